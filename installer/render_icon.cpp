// Build-time tool: renders the SVG application icon to the PNG sizes of the hicolor theme
// (desktops without SVG support, and AppStream, want PNGs). Qt's QSvgRenderer is already a
// dependency, so the build needs no extra SVG tool.
//
//   simclr_render_icon ICON.svg OUT_DIR NAME SIZE...   writes OUT_DIR/SIZExSIZE/apps/NAME.png
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");  // runs in the build, without a display
  QGuiApplication app(argc, argv);
  const QStringList args = app.arguments();
  if (args.size() < 5) {
    std::fprintf(stderr, "usage: simclr_render_icon ICON.svg OUT_DIR NAME SIZE...\n");
    return 2;
  }
  QSvgRenderer svg(args[1]);
  if (!svg.isValid()) {
    std::fprintf(stderr, "simclr_render_icon: cannot read %s\n", qPrintable(args[1]));
    return 1;
  }
  for (int i = 4; i < args.size(); ++i) {
    const int size = args[i].toInt();
    if (size <= 0) return 2;
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    painter.end();
    const QString dir = QStringLiteral("%1/%2x%2/apps").arg(args[2]).arg(size);
    const QString file = dir + QLatin1Char('/') + args[3] + QStringLiteral(".png");
    if (!QDir().mkpath(dir) || !image.save(file, "PNG")) {
      std::fprintf(stderr, "simclr_render_icon: cannot write %s\n", qPrintable(file));
      return 1;
    }
  }
  return 0;
}
