// Interaction latency of the embedding scatter at the size of CIFAR-10's test split (issue
// #6: "scales to all 10 000 test points while staying smooth to pan and hover"). Widgets
// only, on the offscreen platform: 10 000 points in 10 Gaussian classes, then per event
//  - hover: a mouse move over the plot (hit test, tooltip with a thumbnail, pointHovered),
//  - pan:   one drag step of the view and the replot it causes (painting every point),
//  - select: a Ctrl+drag rectangle over a quarter of the plot (points inside, markers, list),
//            once when the list under the plot opens (the plot shrinks: two replots) and
//            once while it stays open,
//  - timeline frame: all points moved between two layouts and replotted (playback, #19).
// Each figure is a median and 95th percentile over repeats, in milliseconds; a frame at 60 Hz
// is 16.7 ms.
//
//   build/tests/bench/bench_embedding_scatter [--points 10000] [--repeats 200]
#include <QApplication>
#include <QMouseEvent>
#include <QPointF>
#include <QStringList>
#include <QToolTip>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "widgets/embedding_scatter.h"

using simclr::widgets::EmbeddingScatter;

namespace {

struct Figures {
  double median = 0, p95 = 0, max = 0;
};

Figures summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size() - 1) + 0.5))]; };
  return {at(0.5), at(0.95), ms.back()};
}

template <class Fn>
Figures timeEach(int repeats, const Fn& fn) {
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    fn(r);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return summarize(std::move(ms));
}

void report(const char* what, const Figures& f) {
  std::printf("%-34s median %7.3f ms   p95 %7.3f ms   max %7.3f ms\n", what, f.median, f.p95, f.max);
}

void send(QWidget* to, QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons,
          Qt::KeyboardModifiers mods = Qt::NoModifier) {
  QMouseEvent event(type, QPointF(pos), QPointF(to->mapToGlobal(pos)), button, buttons, mods);
  QApplication::sendEvent(to, &event);
}

}  // namespace

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  int points = 10000, repeats = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--points"))
      points = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeats"))
      repeats = std::atoi(argv[i + 1]);
  }

  // A t-SNE-like layout: 10 classes as Gaussian blobs on a circle, a little overlap.
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 6.0);
  QVector<QPointF> xy;
  QVector<int> labels;
  for (int i = 0; i < points; ++i) {
    const int c = i % 10;
    const double angle = c * 2 * 3.14159265358979 / 10;
    xy.append(QPointF(40 * std::cos(angle) + noise(rng), 40 * std::sin(angle) + noise(rng)));
    labels.append(c);
  }
  const QStringList names{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

  EmbeddingScatter scatter;
  // As the Embeddings dock does: a 32x32 thumbnail in each tooltip (PNG-encoded into it).
  QImage thumbnail(32, 32, QImage::Format_RGB32);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) thumbnail.setPixel(x, y, qRgb(8 * x, 8 * y, (x * y) % 256));
  scatter.setThumbnailProvider([&thumbnail](int) { return thumbnail; });
  scatter.resize(1000, 700);
  scatter.show();
  const auto setStart = std::chrono::steady_clock::now();
  scatter.setPoints(xy, labels, names);
  const double setMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - setStart).count();
  QApplication::processEvents();
  auto* plot = scatter.findChild<QWidget*>(QStringLiteral("embeddingPlot"));
  if (!plot) return 1;
  std::printf("EmbeddingScatter, %d points, plot %dx%d px, %s platform\n", points, plot->width(), plot->height(),
              qPrintable(QGuiApplication::platformName()));
  std::printf("%-34s %7.3f ms\n", "setPoints (once)", setMs);

  // Hover: positions over the plot, most of them on or near points.
  std::uniform_int_distribution<int> px(40, plot->width() - 40), py(40, plot->height() - 40);
  std::vector<QPoint> spots;
  for (int i = 0; i < repeats; ++i) spots.emplace_back(px(rng), py(rng));
  int hits = 0;
  report("indexAt (hit test only)", timeEach(repeats, [&](int r) { hits += scatter.indexAt(spots[size_t(r)]) >= 0; }));
  report("hover mouse move", timeEach(repeats, [&](int r) {
           send(plot, QEvent::MouseMove, spots[size_t(r)], Qt::NoButton, Qt::NoButton);
         }));
  std::printf("  (%d of %d hover positions on a point)\n", hits, repeats);
  QToolTip::hideText();

  // Pan: a drag, one 3-px step per sample, each step's replot done before the next.
  const QPoint centre = plot->rect().center();
  send(plot, QEvent::MouseButtonPress, centre, Qt::LeftButton, Qt::LeftButton);
  QPoint at = centre;
  report("pan step + replot (drag)", timeEach(repeats, [&](int r) {
           at += QPoint((r / 20) % 2 ? -3 : 3, 1 - (r % 3));
           send(plot, QEvent::MouseMove, at, Qt::NoButton, Qt::LeftButton);
           QApplication::processEvents();  // QCustomPlot queues the replot of a drag
         }));
  send(plot, QEvent::MouseButtonRelease, at, Qt::LeftButton, Qt::NoButton);
  QApplication::processEvents();
  scatter.resetView();

  // Rectangle selection of a quarter of the plot, a little further right each time (a
  // selection equal to the last one would cost nothing).
  const int selections = std::max(10, repeats / 10);
  auto timeSelection = [&](int r) {
    const QRect quarter(QPoint(2 * r, plot->height() / 4), plot->size() / 2);
    const auto start = std::chrono::steady_clock::now();
    scatter.selectPointsIn(quarter);
    QApplication::processEvents();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  };
  // Cleared, untimed, in between: the selection list opens each time.
  std::vector<double> selectMs;
  int selected = 0;
  for (int r = 0; r < selections; ++r) {
    selectMs.push_back(timeSelection(r));
    selected = int(scatter.selection().size());
    scatter.setSelection({});
    QApplication::processEvents();
  }
  report("rectangle selection (list opens)", summarize(selectMs));
  std::printf("  (%d points selected, %d listed)\n", selected,
              std::min(selected, int(EmbeddingScatter::kMaxListedSelection)));
  // The same, one selection after another while the list stays open (no relayout).
  selectMs.clear();
  for (int r = 0; r < selections; ++r) selectMs.push_back(timeSelection(r));
  report("rectangle selection (list open)", summarize(selectMs));
  scatter.setSelection({});

  // Timeline playback (issue #19): every 40 ms tick moves all points to a position between
  // two checkpoints' layouts (here the blobs rotating a little) and replots; the goal is a
  // median under 40 ms, a frame of 25 per second. The pan step above is its reference: the
  // same replot without moving the points.
  QVector<QPointF> turned(xy.size());
  for (int i = 0; i < xy.size(); ++i)
    turned[i] = QPointF(0.9 * xy[i].x() - 0.3 * xy[i].y() + noise(rng) / 3, 0.3 * xy[i].x() + 0.9 * xy[i].y());
  report("timeline frame (move + replot)", timeEach(repeats, [&](int r) {
           const double s = double(r % 25) / 25;
           QVector<QPointF> frame(xy.size());
           for (int i = 0; i < xy.size(); ++i) frame[i] = xy[i] + (turned[i] - xy[i]) * s;
           scatter.movePoints(frame);
           QApplication::processEvents();
         }));
  return 0;
}
