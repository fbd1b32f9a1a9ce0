#pragma once
// A person's photo folder in miniature, for the tests of unlabelled image folders: smooth
// generated pictures (a vertical gradient with two soft discs, seeded), exact copies and
// copies one level brighter of some of them planted among them, and a few unusual images
// (noise, a checkerboard, stripes) unlike the pictures and each other,
// all as PNG files in one flat folder. Needs a build with OpenCV (encode_image).
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace simclr::test {

struct PhotoFolder {
  std::filesystem::path dir;
  std::vector<std::set<std::string>> planted_pairs;  // file names: an original and its copy
  std::set<std::string> noise;                       // file names of the noise images
  int64_t images = 0;                                // files written
};

// `natural` pictures img-NNN.png, `pairs_per_kind` exact copies (copy-NNN.png) and as many
// copies brightened by 1 level (near-NNN.png), `noise` unusual images noise-NNN.png; side x side.
PhotoFolder write_photo_folder(const std::filesystem::path& dir, int natural, int pairs_per_kind, int noise,
                               int side = 32);

}  // namespace simclr::test
