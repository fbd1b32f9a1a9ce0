#pragma once
// A tiny HTTP/1.1 server for download tests: POSIX sockets in one thread, bound to
// 127.0.0.1 on an ephemeral port, answering every GET with one in-memory body.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace simclr::test {

class LocalHttpServer {
 public:
  enum class Mode {
    Normal,     // 200, the whole body
    Truncated,  // 200, Content-Length of the whole body, then half of it and close
    Slow,       // 200, the body in 1 KiB pieces with a pause between them (for cancelling)
    NotFound,   // 404 with a short text body
  };

  explicit LocalHttpServer(std::string body, Mode mode = Mode::Normal);
  ~LocalHttpServer();  // stops the thread and closes the socket
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  uint16_t port() const { return port_; }
  // http://127.0.0.1:PORT/<path>
  std::string url(const std::string& path = "cifar-10-binary.tar.gz") const;
  int requests_served() const { return served_.load(); }

 private:
  void serve();
  void answer(int client);

  std::string body_;
  Mode mode_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> served_{0};
  std::thread thread_;
};

}  // namespace simclr::test
