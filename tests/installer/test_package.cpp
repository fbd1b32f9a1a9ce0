// The Debian package as a user gets it: CPack builds simclr-workbench_<version>_amd64.deb
// from this build, `dpkg -x` unpacks it into a scratch root, and the unpacked programs run
// from there: simclr-cli --version, simclr-cli project validate on the installed projects,
// and the GUI under Xvfb saving a screenshot of its window. Skipped, saying so, only where
// cpack or dpkg are missing.
#include <QtTest>

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>

#include "tests/support/temp_dir.h"

namespace {
struct Outcome {
  int code = -1;
  QString out, err;
};

Outcome run(const QString& program, const QStringList& args, const QProcessEnvironment& env = {},
            int timeout_ms = 300000) {
  QProcess p;
  if (!env.isEmpty()) p.setProcessEnvironment(env);
  p.start(program, args);
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    return {-1, {}, QStringLiteral("timed out or did not start: ") + program};
  }
  return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
          QString::fromUtf8(p.readAllStandardError())};
}

QString describe(const Outcome& o) {
  return QStringLiteral("exit %1\n%2\n%3").arg(o.code).arg(o.out, o.err);
}
}  // namespace

class TestPackage : public QObject {
  Q_OBJECT
  simclr::test::TempDir scratch_{"simclr-package"};
  QString root_;  // the unpacked package: root_ + "/usr/bin/simclr-cli"
  QString deb_;

  QString installed(const QString& path) const { return root_ + QStringLiteral("/usr/") + path; }

 private Q_SLOTS:
  void initTestCase() {
    for (const char* tool : {"dpkg", "dpkg-deb", "dpkg-shlibdeps"})
      if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
        QSKIP(qPrintable(QStringLiteral("%1 not found: the Debian package cannot be built or unpacked here "
                                        "(apt-get install dpkg-dev)")
                             .arg(QLatin1String(tool))));
    if (!QFileInfo::exists(QStringLiteral(SIMCLR_CPACK)))
      QSKIP("cpack not found: the Debian package cannot be built here");

    const QString work = QString::fromStdString(scratch_.path().string());
    const Outcome pack = run(QStringLiteral(SIMCLR_CPACK),
                             {"-G", "DEB", "--config", QStringLiteral(SIMCLR_BINARY_DIR "/CPackConfig.cmake"), "-B",
                              work + QStringLiteral("/pkg")},
                             {}, 600000);
    QVERIFY2(pack.code == 0, qPrintable(describe(pack)));
    deb_ = work + QStringLiteral("/pkg/simclr-workbench_" SIMCLR_VERSION "_amd64.deb");
    QVERIFY2(QFileInfo::exists(deb_), qPrintable(pack.out));
    root_ = work + QStringLiteral("/root");
    const Outcome unpack = run(QStringLiteral("dpkg"), {"-x", deb_, root_});
    QVERIFY2(unpack.code == 0, qPrintable(describe(unpack)));
  }

  // Depends comes from dpkg-shlibdeps: the runtime libraries the programs link, with versions.
  void dependsIsComputed() {
    const Outcome o = run(QStringLiteral("dpkg-deb"), {"-f", deb_, "Depends", "Package", "Architecture"});
    QVERIFY2(o.code == 0, qPrintable(describe(o)));
    qInfo("%s", qPrintable(o.out.trimmed()));
    for (const char* lib : {"libtorch", "libqt6widgets6", "libc6 (>="}) QVERIFY2(o.out.contains(lib), lib);
    QVERIFY(o.out.contains(QStringLiteral("Architecture: amd64")));
  }

  void installsUnderUsr_data() {
    QTest::addColumn<QString>("path");
    for (const char* path :
         {"bin/simclr-cli", "bin/simclr-workbench", "share/simclr-workbench/projects/quickstart.json",
          "share/applications/simclr-workbench.desktop",
          "share/metainfo/io.github.simclr_workbench.SimCLRWorkbench.metainfo.xml",
          "share/icons/hicolor/scalable/apps/simclr-workbench.svg"})
      QTest::newRow(path) << QString::fromLatin1(path);
  }
  void installsUnderUsr() {
    QFETCH(QString, path);
    QVERIFY2(QFileInfo(installed(path)).size() > 0, qPrintable(installed(path)));
  }

  void iconPngsHaveTheirSizes() {
    for (int size : {16, 32, 48, 128, 256}) {
      const QString file = installed(QStringLiteral("share/icons/hicolor/%1x%1/apps/simclr-workbench.png").arg(size));
      const QImage icon(file);
      QVERIFY2(!icon.isNull(), qPrintable(file));
      QCOMPARE(icon.size(), QSize(size, size));
      QVERIFY(qAlpha(icon.pixel(0, 0)) < 32);                 // rounded corner: transparent
      QVERIFY(qAlpha(icon.pixel(size / 2, size / 2)) > 200);  // the drawing: opaque
    }
  }

  void metadataValidates() {
    const QString appstream = QStandardPaths::findExecutable(QStringLiteral("appstreamcli"));
    if (appstream.isEmpty()) QSKIP("appstreamcli not found (apt-get install appstream)");
    const Outcome o = run(
        appstream,
        {"validate", "--no-net", installed("share/metainfo/io.github.simclr_workbench.SimCLRWorkbench.metainfo.xml")});
    QVERIFY2(o.code == 0, qPrintable(describe(o)));
    const QString desktop = QStandardPaths::findExecutable(QStringLiteral("desktop-file-validate"));
    if (!desktop.isEmpty()) {
      const Outcome d = run(desktop, {installed("share/applications/simclr-workbench.desktop")});
      QVERIFY2(d.code == 0 && d.out.trimmed().isEmpty(), qPrintable(describe(d)));
    }
  }

  void installedCliRuns() {
    Outcome o = run(installed("bin/simclr-cli"), {"--version"});
    QVERIFY2(o.code == 0, qPrintable(describe(o)));
    QVERIFY2(o.out.contains(QStringLiteral(SIMCLR_VERSION)) && o.out.contains(QStringLiteral("LibTorch")) &&
                 o.out.contains(QStringLiteral("CUDA")) && o.out.contains(QStringLiteral("Qt 6")),
             qPrintable(o.out));
    const QDir projects(installed("share/simclr-workbench/projects"));
    const QStringList files = projects.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(files.contains(QStringLiteral("quickstart.json")));
    QStringList args{QStringLiteral("project"), QStringLiteral("validate")};
    for (const QString& f : files) args << projects.absoluteFilePath(f);
    o = run(installed("bin/simclr-cli"), args);
    QVERIFY2(o.code == 0, qPrintable(describe(o)));
  }

  void installedGuiShowsItsWindow() {
    const QString work = QString::fromStdString(scratch_.path().string());
    const QString shot = work + QStringLiteral("/window.png");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), work + QStringLiteral("/config"));  // no user settings
    const QString xvfb = QStandardPaths::findExecutable(QStringLiteral("xvfb-run"));
    QString program = installed("bin/simclr-workbench");
    QStringList args{installed("share/simclr-workbench/projects/quickstart.json"), "--screenshot", shot};
    if (!xvfb.isEmpty()) {
      env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
      args = QStringList{"-a", "-s", "-screen 0 1280x800x24", program} + args;
      program = xvfb;
    } else {
      qInfo("xvfb-run not found (apt-get install xvfb): the GUI runs on the offscreen platform instead");
      env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    }
    const Outcome o = run(program, args, env, 120000);
    QVERIFY2(o.code == 0, qPrintable(describe(o)));
    const QImage image(shot);
    QVERIFY2(!image.isNull(), qPrintable(shot));
    QVERIFY2(image.width() >= 400 && image.height() >= 300,
             qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 4)
      for (int x = 0; x < image.width(); x += 4) colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, "the window looks blank");  // widgets, text, not one flat colour
    QFile::remove(QStringLiteral(SIMCLR_BINARY_DIR "/tests/installer/installed-window.png"));
    QFile::copy(shot, QStringLiteral(SIMCLR_BINARY_DIR "/tests/installer/installed-window.png"));
  }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "test_package.moc"
