#pragma once
// Result files written by hand for the Results dock's tests: runs with config.json,
// status.json and evaluation files, and sweep folders, in the formats the CLI writes.
#include <QDir>
#include <QFile>
#include <QString>

namespace simclr::test {

inline void writeFile(const QString& file, const QByteArray& text) {
  QDir().mkpath(QFileInfo(file).absolutePath());
  QFile f(file);
  if (f.open(QIODevice::WriteOnly)) f.write(text);
}

// The header of <run>/evaluation/figure10-step-*.csv (engine/eval representation comparison).
inline const QByteArray kFigure10Header =
    "representation,label,input_dim,train_size,test_size,train_top1,test_top1,paper_test_top1,"
    "build_seconds,probe_seconds,step,mlp_hidden,mlp_epochs,mlp_lr,mlp_batch_size,seed,pca_components,"
    "tsne_points,note\n";

inline QByteArray figure10Csv(int step, double rawTop1) {
  const QByteArray s = QByteArray::number(step);
  return kFigure10Header + "raw,Raw pixels,3072,50000,10000,81.5920," + QByteArray::number(rawTop1, 'f', 4) +
         ",35.77,0.62,550.33," + s + ",512,20,0.001,256,0,50,10000,\"3x32x32 pixels, flattened\"\n" +
         "h,SimCLR embeddings (h),128,50000,10000,57.6600,51.3000,,0.00,18.24," + s +
         ",512,20,0.001,256,0,50,10000,\"backbone output, 128 dimensions\"\n" +
         "pca,PCA of h,50,50000,10000,59.0560,49.7000,39.67,1.19,9.10," + s +
         ",512,20,0.001,256,0,50,10000,50 components\n" +
         "tsne,t-SNE of h,2,8333,1667,30.1812,31.2537,28.72,22.03,0.94," + s +
         ",512,20,0.001,256,0,50,10000,\"2-D t-SNE, \"\"transductive\"\"\"\n";
}

inline const QByteArray kSweepCsv =
    "batch_size,learning_rate,epochs,steps,status,final_loss,knn_top1,linear_top1,views_per_second,"
    "train_seconds,wall_seconds,run\n"
    "64,0.00075,1,780,done,4.1021,41.25,47.50,410.5,190.0,230.1,bs-0064\n"
    "128,0.0015,1,390,done,4.5012,43.80,49.10,455.0,171.4,210.9,bs-0128\n"
    "256,0.003,1,195,done,5.0120,44.10,,470.2,165.9,199.0,bs-0256\n"
    "1024,0.012,1,48,skipped-memory,,,,,,0.0,\n";

inline void writeRun(const QString& dir, const QByteArray& model, int batch, double monitorKnn) {
  writeFile(dir + "/config.json", "{\"name\": \"t\", \"model\": " + model +
                                      ", \"training\": {\"batch_size\": " + QByteArray::number(batch) + "}}");
  writeFile(dir + "/status.json",
            "{\"state\": \"completed\", \"steps_done\": 390, \"total_steps\": 390, "
            "\"final_monitor\": {\"knn_top1\": " +
                QByteArray::number(monitorKnn) + "}}");
}

}  // namespace simclr::test
