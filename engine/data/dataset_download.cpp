#include "engine/data/dataset_download.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>

#include "engine/core/error.h"
#include "engine/core/fault_point.h"
#include "engine/data/dataset_locator.h"

#ifdef SIMCLR_HAVE_DOWNLOAD
#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#endif

namespace simclr {

namespace fs = std::filesystem;

namespace {

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd());
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Removes a path (file or folder tree) when it goes out of scope, unless released.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(fs::path p) : path_(std::move(p)) {}
  ~RemoveOnExit() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  void release() { path_.clear(); }

 private:
  fs::path path_;
};

// Reports progress at most ~10 times a second, plus the final step.
class ThrottledProgress {
 public:
  ThrottledProgress(const JobCallbacks& cb, std::string stage) : cb_(cb), clock_(std::move(stage)) {}
  void report(long long step, long long total, bool force = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && step == last_step_) return;
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    last_step_ = step;
    Progress p = clock_.at(step);
    p.total = total > 0 ? total : 0;
    p.eta_s = -1;
    if (p.total > 0 && step > 0 && step < p.total) p.eta_s = p.elapsed_s / double(step) * double(p.total - step);
    if (p.total > 0 && step >= p.total) p.eta_s = 0;
    cb_.progress(p);
  }

 private:
  const JobCallbacks& cb_;
  ProgressClock clock_;
  std::chrono::steady_clock::time_point last_{};
  long long last_step_ = -1;
};

}  // namespace

#ifdef SIMCLR_HAVE_DOWNLOAD

bool download_supported() {
  return true;
}

namespace {

class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1) throw Error("OpenSSL: cannot initialise MD5");
  }
  void update(const void* data, size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &len) != 1) throw Error("OpenSSL: cannot finish MD5");
    std::string out;
    char buf[3];
    for (unsigned i = 0; i < len; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", digest[i]);
      out += buf;
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  std::FILE* out = nullptr;
  Md5 md5;
  long long received = 0;
  bool write_failed = false;
  int write_errno = 0;
  const StopToken* stop = nullptr;
  ThrottledProgress* progress = nullptr;
};

size_t on_write(char* data, size_t size, size_t nmemb, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * nmemb;
  if (t->stop->stop_requested()) return 0;                // aborts the transfer (CURLE_WRITE_ERROR)
  if (const int error = fault_point("download_write")) {  // a test's full or failing disk
    t->write_failed = true;
    t->write_errno = error;
    return 0;
  }
  if (std::fwrite(data, 1, n, t->out) != n) {
    t->write_failed = true;
    t->write_errno = errno;
    return 0;
  }
  t->md5.update(data, n);
  t->received += static_cast<long long>(n);
  return n;
}

int on_xferinfo(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->stop->stop_requested()) return 1;   // CURLE_ABORTED_BY_CALLBACK
  if (dlnow == 0 && dltotal == 0) return 0;  // nothing known yet
  t->progress->report(static_cast<long long>(dlnow), static_cast<long long>(dltotal));
  return 0;
}

}  // namespace

std::string md5_hex(const std::string& bytes) {
  Md5 md5;
  md5.update(bytes.data(), bytes.size());
  return md5.hex();
}

std::string file_md5_hex(const fs::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw IoError(path.string() + ": cannot open: " + std::strerror(errno));
  Md5 md5;
  std::vector<char> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) md5.update(buf.data(), n);
  if (std::ferror(f.get())) throw IoError(path.string() + ": read failed");
  return md5.hex();
}

void download_file(const std::string& url, const fs::path& dest_file, const std::string& expected_md5,
                   const JobCallbacks& callbacks, const StopToken& stop, long connect_timeout_s, long stall_timeout_s) {
  init_curl_once();
  std::error_code ec;
  if (!dest_file.parent_path().empty()) fs::create_directories(dest_file.parent_path(), ec);
  if (ec) throw IoError(dest_file.parent_path().string() + ": cannot create folder: " + ec.message());
  const fs::path tmp =
      dest_file.parent_path() / ("." + dest_file.filename().string() + "." + random_suffix() + ".part");
  RemoveOnExit remove_tmp(tmp);

  Transfer t;
  t.stop = &stop;
  ThrottledProgress progress(callbacks, "download");
  t.progress = &progress;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!out) throw IoError(tmp.string() + ": cannot write: " + std::strerror(errno));
  t.out = out.get();

  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw NetworkError(url + ": cannot initialise libcurl");
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, connect_timeout_s);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, stall_timeout_s);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "simclr-workbench");
  // Fetch over http(s), ftp or a local file:// mirror; redirects may only go to http(s).
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,ftp,file");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FTP | CURLPROTO_FILE));
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, long(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_xferinfo);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);

  callbacks.log(LogLevel::Info, "Downloading " + url);
  const CURLcode rc = curl_easy_perform(h);
  const bool flushed = std::fflush(out.get()) == 0;
  out.reset();

  if (stop.stop_requested()) throw CancelledError("download " + url + ": stopped by request");
  if (t.write_failed)
    throw IoError(dest_file.string() + ": cannot write the download from " + url + ": " + std::strerror(t.write_errno));
  curl_off_t announced = -1;
  curl_easy_getinfo(h, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced);
  if (rc == CURLE_PARTIAL_FILE || (rc == CURLE_OK && announced >= 0 && announced != t.received))
    throw NetworkError(url + ": truncated download: received " + std::to_string(t.received) + " of " +
                       std::to_string(static_cast<long long>(announced)) + " bytes");
  if (rc == CURLE_HTTP_RETURNED_ERROR) {
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    throw NetworkError(url + ": HTTP status " + std::to_string(status));
  }
  if (rc != CURLE_OK)
    throw NetworkError(url + ": " + curl_easy_strerror(rc) + (errbuf[0] ? std::string(" (") + errbuf + ")" : ""));
  if (!flushed) throw IoError(tmp.string() + ": write failed (disk full?)");
  progress.report(t.received, announced >= 0 ? announced : t.received, true);

  const std::string actual = t.md5.hex();
  if (!expected_md5.empty() && lower(expected_md5) != actual)
    throw NetworkError(url + ": MD5 mismatch: expected " + lower(expected_md5) + ", got " + actual +
                       " (corrupt download or wrong --md5)");
  if (expected_md5.empty())
    callbacks.log(LogLevel::Warning, url + ": no MD5 given, download not verified (MD5 " + actual + ")");

  fs::rename(tmp, dest_file, ec);
  if (ec) throw IoError(dest_file.string() + ": cannot move the download into place: " + ec.message());
  remove_tmp.release();
}

namespace {

// A path from the archive, relative and without '..', or DataError.
// libarchive's message for the last error; it has none for some damaged archives (NULL).
std::string archive_message(struct archive* a) {
  const char* message = archive_error_string(a);
  return message && *message ? message : "damaged or unknown archive data";
}

fs::path safe_entry_path(const std::string& source, const char* name) {
  const std::string where = source + ": ";
  if (!name || !*name) throw DataError(where + "entry without a name");
  const fs::path p(name);
  if (p.is_absolute() || p.has_root_name() || p.has_root_directory())
    throw DataError(where + "unsafe absolute path '" + std::string(name) + "' in the archive");
  for (const auto& part : p)
    if (part == "..") throw DataError(where + "unsafe path '" + std::string(name) + "' in the archive (contains '..')");
  return p.lexically_normal();
}

}  // namespace

void extract_archive(const fs::path& archive, const fs::path& dest_dir, const JobCallbacks& callbacks,
                     const StopToken& stop, const std::string& source_name) {
  const std::string source = source_name.empty() ? archive.string() : source_name;
  std::error_code ec;
  const long long archive_size = static_cast<long long>(fs::file_size(archive, ec));
  if (ec) throw IoError(archive.string() + ": cannot read: " + ec.message());
  fs::create_directories(dest_dir, ec);
  if (ec) throw IoError(dest_dir.string() + ": cannot create folder: " + ec.message());

  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_read_new(), &archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_filename(a.get(), archive.c_str(), 1 << 16) != ARCHIVE_OK)
    throw DataError(source + ": cannot open archive: " + archive_message(a.get()));

  ThrottledProgress progress(callbacks, "unpack");
  std::vector<char> buf(1 << 16);
  archive_entry* entry = nullptr;
  for (;;) {
    stop.throw_if_stopped("unpack " + archive.filename().string());
    const int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      throw DataError(source + ": corrupt archive: " + archive_message(a.get()));
    const fs::path rel = safe_entry_path(source, archive_entry_pathname(entry));
    if (rel.empty() || rel == ".") continue;
    const fs::path target = dest_dir / rel;
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFDIR) {
      fs::create_directories(target, ec);
      if (ec) throw IoError(target.string() + ": cannot create folder: " + ec.message());
      continue;
    }
    if (type != AE_IFREG) {
      callbacks.log(LogLevel::Warning, source + ": skipping '" + rel.string() + "' (not a regular file)");
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw IoError(target.parent_path().string() + ": cannot create folder: " + ec.message());
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(target.c_str(), "wb"), &std::fclose);
    if (!out) throw IoError(target.string() + ": cannot write: " + std::strerror(errno));
    for (;;) {
      const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n == 0) break;
      if (n < 0) throw DataError(source + ": corrupt archive at '" + rel.string() + "': " + archive_message(a.get()));
      if (const int error = fault_point("unpack_write"))  // a test's full or failing disk
        throw IoError(target.string() + ": cannot unpack: " + std::strerror(error));
      if (std::fwrite(buf.data(), 1, static_cast<size_t>(n), out.get()) != static_cast<size_t>(n))
        throw IoError(target.string() + ": cannot unpack: " + std::strerror(errno));
      progress.report(static_cast<long long>(archive_filter_bytes(a.get(), -1)), archive_size);
      stop.throw_if_stopped("unpack " + archive.filename().string());
    }
    if (std::fclose(out.release()) != 0) throw IoError(target.string() + ": write failed (disk full?)");
  }
  progress.report(archive_size, archive_size, true);
}

#else  // !SIMCLR_HAVE_DOWNLOAD

bool download_supported() {
  return false;
}

namespace {
[[noreturn]] void unsupported() {
  throw NetworkError(
      "this build has no download support (configure with SIMCLR_WITH_DOWNLOAD=ON and "
      "libcurl, libarchive and OpenSSL installed)");
}
}  // namespace

std::string md5_hex(const std::string&) {
  unsupported();
}
std::string file_md5_hex(const fs::path&) {
  unsupported();
}
void download_file(const std::string&, const fs::path&, const std::string&, const JobCallbacks&, const StopToken&, long,
                   long) {
  unsupported();
}
void extract_archive(const fs::path&, const fs::path&, const JobCallbacks&, const StopToken&, const std::string&) {
  unsupported();
}

#endif  // SIMCLR_HAVE_DOWNLOAD

void check_md5_hex(const std::string& md5) {
  const bool hex =
      std::all_of(md5.begin(), md5.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
  if (!md5.empty() && (md5.size() != 32 || !hex))
    throw ConfigError("md5: expected 32 hexadecimal digits, got '" + md5 + "'");
}

fs::path download_cifar10(const DownloadOptions& options, const JobCallbacks& callbacks, const StopToken& stop) {
  check_md5_hex(options.md5);
  if (options.url.empty()) throw ConfigError("url: empty");
  if (!download_supported()) download_file(options.url, {}, {}, callbacks, stop);  // throws the reason
  const fs::path dest = options.dest_dir.empty() ? default_download_dir() : options.dest_dir;
  std::error_code ec;
  const bool dest_existed = fs::exists(dest, ec);
  fs::create_directories(dest, ec);
  if (ec) throw IoError(dest.string() + ": cannot create folder: " + ec.message());

  const std::string folder = "cifar-10-batches-bin";
  const fs::path archive = dest / (".cifar-10-binary." + random_suffix() + ".tar.gz");
  const fs::path staging = dest / (".cifar-10-unpack." + random_suffix());
  const fs::path target = dest / folder;
  try {
    RemoveOnExit remove_archive(archive);
    RemoveOnExit remove_staging(staging);
    download_file(options.url, archive, options.md5, callbacks, stop, options.connect_timeout_s,
                  options.stall_timeout_s);
    callbacks.log(LogLevel::Info, "Unpacking into " + dest.string());
    extract_archive(archive, staging, callbacks, stop, options.url);
    const fs::path unpacked = staging / folder;
    if (!looks_like_dataset("cifar10", unpacked))
      throw DataError(options.url + ": the archive holds no " + folder + "/ folder with CIFAR-10 batch files");
    stop.throw_if_stopped("download cifar10");

    // Swap the new folder in; an older copy is removed only once the new one is in place.
    const fs::path old = dest / (".cifar-10-old." + random_suffix());
    RemoveOnExit remove_old(old);
    const bool had_old = fs::exists(target, ec);
    if (had_old) {
      fs::rename(target, old, ec);
      if (ec) throw IoError(target.string() + ": cannot replace the existing folder: " + ec.message());
    }
    fs::rename(unpacked, target, ec);
    if (ec) {
      std::error_code ec2;
      if (had_old) fs::rename(old, target, ec2);
      throw IoError(target.string() + ": cannot move the unpacked files into place: " + ec.message());
    }
  } catch (...) {
    // Leave no empty folder behind that this call created (the guards above already
    // removed the archive and the staging folder when their scope ended).
    if (!dest_existed) fs::remove(dest, ec);
    throw;
  }
  callbacks.log(LogLevel::Info, "CIFAR-10 is ready in " + target.string());
  return target;
}

}  // namespace simclr
