#include "tests/support/local_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace simclr::test {

namespace {

// Sends everything unless the peer goes away; false when it did.
bool send_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, data, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    data += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

}  // namespace

LocalHttpServer::LocalHttpServer(std::string body, Mode mode) : body_(std::move(body)), mode_(mode) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("LocalHttpServer: socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // ephemeral
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 8) != 0) {
    const std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("LocalHttpServer: bind/listen on 127.0.0.1: " + why);
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LocalHttpServer::~LocalHttpServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

std::string LocalHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
}

void LocalHttpServer::serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, 20);
    if (r <= 0) continue;
    const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    answer(client);
    ::close(client);
    ++served_;
  }
}

void LocalHttpServer::answer(int client) {
  // Read the request head (we answer any request the same way).
  std::string request;
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (request.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline && !stop_) {
    pollfd p{client, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const ssize_t k = ::recv(client, buf, sizeof buf, 0);
    if (k <= 0) return;
    request.append(buf, static_cast<size_t>(k));
  }
  const bool head_only = request.rfind("HEAD ", 0) == 0;

  if (mode_ == Mode::NotFound) {
    const std::string text = "not found\n";
    const std::string head =
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(text.size()) +
        "\r\nConnection: close\r\n\r\n";
    if (send_all(client, head.data(), head.size()) && !head_only) send_all(client, text.data(), text.size());
    return;
  }
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: " + std::to_string(body_.size()) +
      "\r\nConnection: close\r\n\r\n";
  if (!send_all(client, head.data(), head.size()) || head_only) return;
  switch (mode_) {
    case Mode::Normal:
      send_all(client, body_.data(), body_.size());
      break;
    case Mode::Truncated:
      send_all(client, body_.data(), body_.size() / 2);
      break;
    case Mode::Slow:
      for (size_t at = 0; at < body_.size() && !stop_; at += 1024) {
        if (!send_all(client, body_.data() + at, std::min<size_t>(1024, body_.size() - at))) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      break;
    case Mode::NotFound:
      break;
  }
  ::shutdown(client, SHUT_WR);
}

}  // namespace simclr::test
