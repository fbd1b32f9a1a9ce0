#include "engine/data/image_file.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#ifdef SIMCLR_HAVE_OPENCV
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif
#ifdef SIMCLR_HAVE_LIBJPEG
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>
#endif

#include "engine/core/error.h"
#include "engine/data/binary_file.h"

namespace simclr {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void no_opencv() {
  throw ConfigError(
      "this build has no OpenCV: image files cannot be decoded "
      "(install libopencv-dev and rebuild the workbench)");
}

// The format a file's first bytes announce, for messages ("corrupt or truncated PNG data").
std::string format_of(const std::vector<uint8_t>& b) {
  const auto starts = [&](const char* magic, size_t n, size_t at = 0) {
    return b.size() >= at + n && std::memcmp(b.data() + at, magic, n) == 0;
  };
  if (starts("\x89PNG", 4)) return "PNG";
  if (starts("\xFF\xD8\xFF", 3)) return "JPEG";
  if (starts("BM", 2)) return "BMP";
  if (starts("GIF8", 4)) return "GIF";
  if (starts("II*\0", 4) || starts("MM\0*", 4)) return "TIFF";
  if (starts("RIFF", 4) && starts("WEBP", 4, 8)) return "WebP";
  if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return "PNM";
  return {};
}

void check_chw(const torch::Tensor& image, const char* what) {
  if (!image.defined() || image.dim() != 3 || image.scalar_type() != torch::kByte || image.size(0) < 1 ||
      image.size(1) < 1 || image.size(2) < 1)
    throw ConfigError(std::string(what) + ": expected a uint8 [C, H, W] image");
}

#ifdef SIMCLR_HAVE_OPENCV

// HWC cv::Mat (1 or 3 channels, 8 bit) -> CHW tensor, copied.
torch::Tensor to_chw(const cv::Mat& m) {
  const cv::Mat c = m.isContinuous() ? m : m.clone();
  const torch::Tensor hwc = torch::from_blob(c.data, {c.rows, c.cols, c.channels()}, torch::kByte);
  // clone, not contiguous(): a grey image (or a 1x1 one) is already contiguous as CHW, and
  // contiguous() would return a view of the Mat's pixels, freed with it (found by fuzzing).
  return hwc.permute({2, 0, 1}).clone(at::MemoryFormat::Contiguous);
}

// HWC Mat -> size x size: the shorter side scaled to `size` (area interpolation when
// shrinking, bilinear when enlarging), the centre cropped. The Mat itself when it is that size.
cv::Mat resized_centre(const cv::Mat& src, int64_t size) {
  const int64_t h = src.rows, w = src.cols;
  if (h == size && w == size) return src;
  // Shorter side to `size`, the longer one in proportion (rounded, never below size).
  const double scale = double(size) / double(std::min(h, w));
  const int64_t nh = h <= w ? size : std::max<int64_t>(size, std::llround(double(h) * scale));
  const int64_t nw = w <= h ? size : std::max<int64_t>(size, std::llround(double(w) * scale));
  cv::Mat resized;
  const int interpolation = scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR;
  cv::resize(src, resized, cv::Size(static_cast<int>(nw), static_cast<int>(nh)), 0, 0, interpolation);
  const cv::Rect centre(static_cast<int>((nw - size) / 2), static_cast<int>((nh - size) / 2), static_cast<int>(size),
                        static_cast<int>(size));
  return resized(centre).clone();
}

#ifdef SIMCLR_HAVE_LIBJPEG
// A JPEG's EXIF orientation tag (1 = as stored; 0 = none found), from its saved APP1 markers.
int exif_orientation(j_decompress_ptr info) {
  for (jpeg_saved_marker_ptr m = info->marker_list; m; m = m->next) {
    if (m->marker != JPEG_APP0 + 1 || m->data_length < 14 || std::memcmp(m->data, "Exif\0\0", 6) != 0) continue;
    const uint8_t* t = m->data + 6;  // the TIFF header
    const size_t n = m->data_length - 6;
    const bool little = t[0] == 'I';
    auto u16 = [&](size_t at) { return at + 2 > n ? 0u : little ? unsigned(t[at] | t[at + 1] << 8) : unsigned(t[at] << 8 | t[at + 1]); };
    auto u32 = [&](size_t at) { return at + 4 > n ? 0u : little ? unsigned(u16(at) | u16(at + 2) << 16) : unsigned(u16(at) << 16 | u16(at + 2)); };
    const size_t ifd = u32(4);
    const unsigned entries = u16(ifd);
    for (unsigned e = 0; e < entries; ++e)
      if (u16(ifd + 2 + 12 * e) == 0x0112) return int(u16(ifd + 2 + 12 * e + 8));
    return 0;
  }
  return 0;
}

struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  bool warned = false;  // corrupt data libjpeg would paper over (a truncated scan turns grey)
};

// An RGB JPEG decoded by libjpeg-turbo at the smallest DCT scale (n/8) whose shorter side is
// still at least `size`: decoding fewer pixels is most of a small JPEG's time, and OpenCV's
// decoder offers only 1/2, 1/4 and 1/8. An empty Mat when it does not apply (not a JPEG, CMYK,
// an EXIF rotation, any error): then OpenCV decodes the file and names any problem.
cv::Mat scaled_jpeg(const std::vector<uint8_t>& bytes, int64_t size) {
  if (bytes.size() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8) return {};
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg_std_error(&error.manager);
  error.manager.error_exit = [](j_common_ptr c) { std::longjmp(reinterpret_cast<JpegError*>(c->err)->jump, 1); };
  error.manager.output_message = [](j_common_ptr) {};
  error.manager.emit_message = [](j_common_ptr c, int level) {
    if (level < 0) reinterpret_cast<JpegError*>(c->err)->warned = true;
  };
  cv::Mat out;
  if (setjmp(error.jump)) {
    jpeg_destroy_decompress(&info);
    return {};
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes.data(), static_cast<unsigned long>(bytes.size()));
  jpeg_save_markers(&info, JPEG_APP0 + 1, 0xFFFF);
  jpeg_read_header(&info, TRUE);
  const int orientation = exif_orientation(&info);
  if ((orientation > 1) || info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&info);
    return {};
  }
  const int64_t shorter = std::min<int64_t>(info.image_width, info.image_height);
  unsigned num = 8;
  while (num > 1 && (shorter * (num - 1) + 7) / 8 >= size) --num;
  info.scale_num = num;
  info.scale_denom = 8;
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  out.create(int(info.output_height), int(info.output_width), CV_8UC3);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out.ptr<uint8_t>(int(info.output_scanline));
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  if (error.warned) return {};  // OpenCV's decoder decides what damaged data gives
  return out;
}
#endif

// The decoded image as an 8-bit HWC Mat, RGB or grey as `channels` asks. Throws DataError.
cv::Mat decoded_mat(const std::vector<uint8_t>& bytes, const fs::path& path, ImageChannels channels) {
  const std::string name = display_path(path);
  if (bytes.empty()) throw DataError(name + ": empty file (0 bytes), not an image");
  const std::string format = format_of(bytes);
  cv::Mat decoded;
  try {
    // Any colour format: grey files stay grey (for Auto), 16-bit data is scaled to 8 bit
    // below; unlike IMREAD_UNCHANGED this applies a JPEG's EXIF orientation, as viewers do.
    const cv::Mat wrapped(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<uint8_t*>(bytes.data()));
    decoded = cv::imdecode(wrapped, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
  } catch (const cv::Exception& e) {
    throw DataError(name + ": cannot decode the image (" + e.msg + ")");
  }
  if (decoded.empty() || decoded.rows < 1 || decoded.cols < 1) {
    if (format.empty())
      throw DataError(name +
                      ": not an image file OpenCV can read (unknown format: the first bytes match no "
                      "PNG, JPEG, BMP, TIFF, WebP or PNM signature)");
    throw DataError(name + ": corrupt or truncated " + format + " data (" + std::to_string(bytes.size()) +
                    " bytes could not be decoded)");
  }
  try {
    if (decoded.depth() != CV_8U) {
      // 16-bit PNG/TIFF: 0..65535 -> 0..255; float images are taken as 0..1.
      const double scale = decoded.depth() == CV_16U ? 1.0 / 257.0 : decoded.depth() == CV_32F ? 255.0 : 1.0;
      cv::Mat eight;
      decoded.convertTo(eight, CV_8U, scale);
      decoded = eight;
    }
    const int in = decoded.channels();
    const bool grey_file = in <= 2;  // 2 = grey + alpha
    const bool want_grey = channels == ImageChannels::Grey || (channels == ImageChannels::Auto && grey_file);
    cv::Mat out;
    if (want_grey) {
      if (in == 1)
        out = decoded;
      else if (in == 2)
        cv::extractChannel(decoded, out, 0);
      else
        cv::cvtColor(decoded, out, in == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    } else {
      if (in == 1)
        cv::cvtColor(decoded, out, cv::COLOR_GRAY2RGB);
      else if (in == 2) {
        cv::Mat grey;
        cv::extractChannel(decoded, grey, 0);
        cv::cvtColor(grey, out, cv::COLOR_GRAY2RGB);
      } else
        cv::cvtColor(decoded, out, in == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
    }
    return out;
  } catch (const cv::Exception& e) {
    throw DataError(name + ": cannot convert the image (" + e.msg + ")");
  }
}

#endif

}  // namespace

bool image_files_supported() {
#ifdef SIMCLR_HAVE_OPENCV
  return true;
#else
  return false;
#endif
}

bool is_image_file_name(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  static const char* const known[] = {".png",  ".jpg", ".jpeg", ".bmp", ".tif", ".tiff",
                                      ".webp", ".ppm", ".pgm",  ".pbm", ".pnm", ".jp2"};
  return std::any_of(std::begin(known), std::end(known), [&](const char* k) { return ext == k; });
}

torch::Tensor decode_image(const std::vector<uint8_t>& bytes, const fs::path& path, ImageChannels channels) {
#ifdef SIMCLR_HAVE_OPENCV
  return to_chw(decoded_mat(bytes, path, channels));
#else
  (void)bytes;
  (void)path;
  (void)channels;
  no_opencv();
#endif
}

void read_resized_image_file(const fs::path& path, int64_t size, uint8_t* out) {
  if (size < 1) throw ConfigError("read_resized_image_file: size must be >= 1, not " + std::to_string(size));
#ifdef SIMCLR_HAVE_OPENCV
  const std::vector<uint8_t> bytes = read_binary_file(path);
  cv::Mat decoded;
#ifdef SIMCLR_HAVE_LIBJPEG
  decoded = scaled_jpeg(bytes, size);
#endif
  if (decoded.empty()) decoded = decoded_mat(bytes, path, ImageChannels::Rgb);
  const cv::Mat rgb = resized_centre(decoded, size);
  // HWC -> CHW straight into the caller's row.
  const int64_t plane = size * size;
  for (int64_t y = 0; y < size; ++y) {
    const uint8_t* row = rgb.ptr<uint8_t>(int(y));
    for (int64_t x = 0; x < size; ++x)
      for (int64_t c = 0; c < 3; ++c) out[c * plane + y * size + x] = row[3 * x + c];
  }
#else
  (void)path;
  (void)out;
  no_opencv();
#endif
}

torch::Tensor read_image_file(const fs::path& path, ImageChannels channels) {
  if (!image_files_supported()) no_opencv();
  return decode_image(read_binary_file(path), path, channels);
}

std::vector<uint8_t> encode_image(const torch::Tensor& image, const std::string& format, int jpeg_quality) {
  check_chw(image, "encode_image");
  if (format != "png" && format != "jpg") throw ConfigError("image format '" + format + "': use png or jpg");
  if (jpeg_quality < 1 || jpeg_quality > 100)
    throw ConfigError("JPEG quality " + std::to_string(jpeg_quality) + ": must be in [1, 100]");
#ifdef SIMCLR_HAVE_OPENCV
  const int64_t c = image.size(0);
  if (c != 1 && c != 3) throw ConfigError("encode_image: 1 or 3 channels, not " + std::to_string(c));
  const torch::Tensor hwc = image.permute({1, 2, 0}).contiguous();
  const cv::Mat rgb(static_cast<int>(image.size(1)), static_cast<int>(image.size(2)), CV_8UC(static_cast<int>(c)),
                    hwc.data_ptr());
  cv::Mat pixels = rgb;
  if (c == 3) cv::cvtColor(rgb, pixels, cv::COLOR_RGB2BGR);  // OpenCV writes BGR
  std::vector<uint8_t> bytes;
  const std::vector<int> params =
      format == "jpg" ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, jpeg_quality} : std::vector<int>{};
  if (!cv::imencode("." + format, pixels, bytes, params))
    throw IoError("encode_image: OpenCV could not encode " + format);
  return bytes;
#else
  no_opencv();
#endif
}

torch::Tensor resize_and_center_crop(const torch::Tensor& image, int64_t size) {
  check_chw(image, "resize_and_center_crop");
  if (size < 1) throw ConfigError("resize_and_center_crop: size must be >= 1, not " + std::to_string(size));
  const int64_t c = image.size(0), h = image.size(1), w = image.size(2);
  if (h == size && w == size) return image.contiguous();
#ifdef SIMCLR_HAVE_OPENCV
  if (c > 4) throw ConfigError("resize_and_center_crop: at most 4 channels, not " + std::to_string(c));
  const torch::Tensor hwc = image.permute({1, 2, 0}).contiguous();
  const cv::Mat src(static_cast<int>(h), static_cast<int>(w), CV_8UC(static_cast<int>(c)), hwc.data_ptr());
  return to_chw(resized_centre(src, size));
#else
  (void)c;
  (void)w;
  no_opencv();
#endif
}

}  // namespace simclr
