#pragma once
// The dataset settings of the open project as a DatasetRequest: what the dataset panel and
// the augmentation preview ask the engine to load.
#include "app/gui/dataset/dataset_summary.h"

namespace simclr::gui {

class ProjectDocument;

DatasetRequest datasetRequestFor(const ProjectDocument& document, int samplesPerClass);

}  // namespace simclr::gui
