#pragma once
// The two augmented views of a few images, made by the engine's pipeline with the trainer's
// view generators (engine/train/view_generator.h, views_version 2): what training would
// draw at `step` if these images formed its batch. Plain Qt value types in and out, no Torch in this header.
#include <array>
#include <cstdint>

#include <QImage>
#include <QString>
#include <QStringList>
#include <QVector>

#include <nlohmann/json.hpp>

namespace simclr::gui {

struct AugmentedViews {
  QVector<QImage> originals;             // the input images, as given
  std::array<QVector<QImage>, 2> views;  // view 0 and view 1 of each image
  // Per view and image: what the pipeline did, from its trace ("then: crop, flip"); the
  // branch of a random_choice (Algorithm 1) comes first when the pipeline has one.
  std::array<QStringList, 2> notes;
  std::array<QVector<int>, 2> branches;  // -1 no random_choice, 0 "then", 1 "else"
  QString error;                         // an invalid spec or unusable images; views empty
  double milliseconds = 0;               // time spent augmenting and converting
};

// Image files from disk for the preview (issue #6): each decoded by the engine
// (engine/data/image_file.h), its shorter side scaled to `size` and centre-cropped to
// size x size, as the image-folder dataset does, with `channels` 1 (grayscale) or 3 (RGB)
// to match the project's dataset.
struct DecodedImageFiles {
  QVector<QImage> images;  // the files that decoded, in the order given
  QStringList names;       // their file names, for captions
  QStringList errors;      // "<path>: <problem>" for each file that did not decode
};

// Blocking (call it off the GUI thread); never throws: every problem lands in `errors`.
DecodedImageFiles decodeImageFiles(const QStringList& paths, int size, int channels);

// `images` must share one size; all Grayscale8 gives a 1-channel batch, anything else is
// converted to RGB. `spec` is a project's "augmentation" value. Never throws.
AugmentedViews augmentImages(const QVector<QImage>& images, const nlohmann::json& spec, uint64_t seed,
                             int64_t step = 0);

}  // namespace simclr::gui
