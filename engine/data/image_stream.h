#pragma once
// Images decoded on demand, for sets larger than memory: what an ImageDataset holds instead
// of its pixels when it streams (image_dataset.h). StreamingImageFolder implements it for a
// folder of image files; SubsetStream is a view of some of another stream's images.
#include <cstdint>
#include <memory>

#include <torch/types.h>

namespace simclr {

class ImageStream {
 public:
  virtual ~ImageStream() = default;
  virtual int64_t size() const = 0;
  virtual int64_t channels() const = 0;
  virtual int64_t height() const = 0;
  virtual int64_t width() const = 0;
  // uint8 [K, C, H, W] of the images at `indices` (int64 [K], CPU; repeats allowed), in that
  // order. Thread-safe. Throws DataError for an image that cannot be decoded when the
  // folder's policy says so.
  virtual torch::Tensor fetch(const torch::Tensor& indices) const = 0;
  // A hint: these images come next. Decoding starts in the background as far as the memory
  // budget allows; fetch() takes them from there. Never blocks.
  virtual void prefetch(const torch::Tensor& indices) const { (void)indices; }
};

// The images of `base` at `indices` (int64 [K], CPU), as a stream of K images.
class SubsetStream : public ImageStream {
 public:
  SubsetStream(std::shared_ptr<const ImageStream> base, torch::Tensor indices);
  int64_t size() const override { return indices_.numel(); }
  int64_t channels() const override { return base_->channels(); }
  int64_t height() const override { return base_->height(); }
  int64_t width() const override { return base_->width(); }
  torch::Tensor fetch(const torch::Tensor& indices) const override;
  void prefetch(const torch::Tensor& indices) const override;

 private:
  std::shared_ptr<const ImageStream> base_;
  torch::Tensor indices_;
};

// Images already in memory (uint8 [N, C, H, W]) behind the stream interface.
class TensorStream : public ImageStream {
 public:
  explicit TensorStream(torch::Tensor images) : images_(std::move(images)) {}
  int64_t size() const override { return images_.size(0); }
  int64_t channels() const override { return images_.size(1); }
  int64_t height() const override { return images_.size(2); }
  int64_t width() const override { return images_.size(3); }
  torch::Tensor fetch(const torch::Tensor& indices) const override;

 private:
  torch::Tensor images_;
};

// `first`'s images followed by `second`'s (the same image size), as one stream.
class JoinedStream : public ImageStream {
 public:
  JoinedStream(std::shared_ptr<const ImageStream> first, std::shared_ptr<const ImageStream> second);
  int64_t size() const override { return first_->size() + second_->size(); }
  int64_t channels() const override { return first_->channels(); }
  int64_t height() const override { return first_->height(); }
  int64_t width() const override { return first_->width(); }
  torch::Tensor fetch(const torch::Tensor& indices) const override;
  void prefetch(const torch::Tensor& indices) const override;

 private:
  std::shared_ptr<const ImageStream> first_, second_;
};

}  // namespace simclr
