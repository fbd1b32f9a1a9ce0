#pragma once

// qcustomplot.h uses the Qt keywords `signals` and `foreach`, which this project switches
// off with QT_NO_KEYWORDS (Torch uses `slots` as an identifier). Define them only while the
// header is read. Include this file from .cpp files only: public headers forward-declare
// QCustomPlot classes so no consumer of simclr_widgets sees these macros.
#include <QtGlobal>

#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef foreach
#else
#include <qcustomplot.h>
#endif
