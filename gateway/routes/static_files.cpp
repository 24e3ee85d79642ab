// The web UI: files under webui_dir, served for GET paths no API route claims.
// "/" is index.html, "/console" is console.html, "/home/index" (the original's page) is
// index.html. Files are read per request (the UI is small and this keeps edits live while
// developing).
//
// The path is percent-decoded once, and refused (404) unless it starts with '/' and has no
// NUL, no backslash and no "." or ".." segment; what is left must then resolve (symbolic
// links followed) to a regular file inside the web UI directory. Each check on its own would
// stop the usual spellings ("..", "%2e%2e", no leading '/', NUL); together they leave no
// spelling that names a file outside.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "gateway/routes/routes.hpp"
#include "gateway/url.hpp"

namespace parley {

namespace {

std::string mime_type(const std::string& path) {
  auto dot = path.rfind('.');
  auto ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "png") return "image/png";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "ico") return "image/x-icon";
  return "application/octet-stream";
}

bool has_dot_segment(const std::string& path) {
  size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    auto segment = std::string_view(path).substr(start, end - start);
    if (segment == "." || segment == "..") return true;
    start = end + 1;
  }
  return false;
}

// The file `target_path` names under `root`, or std::nullopt.
std::optional<std::filesystem::path> resolve(const std::string& root, const std::string& target_path) {
  namespace fs = std::filesystem;
  auto path = url::decode_path(target_path);
  if (!path || path->empty() || (*path)[0] != '/' || path->find('\0') != std::string::npos ||
      path->find('\\') != std::string::npos || has_dot_segment(*path))
    return std::nullopt;
  std::error_code ec;
  auto base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  auto file = fs::canonical(base / fs::path(path->substr(1)), ec);
  if (ec || !fs::is_regular_file(file, ec)) return std::nullopt;
  auto [end, _] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (end != base.end()) return std::nullopt;  // outside (a link pointing away)
  return file;
}

}  // namespace

void add_static_files(http_router& router, gateway_context& ctx) {
  router.set_fallback([&ctx](const api_request& req, responder respond) {
    auto path = req.path;
    if (path == "/" || path == "/home/index") path = "/index.html";
    if (path == "/console") path = "/console.html";
    auto file = resolve(ctx.config->webui_dir, path);
    if (!file) return respond(json_reply(404, "not found", nullptr, 404));
    std::ifstream in(*file, std::ios::binary);
    if (!in) return respond(json_reply(404, "not found", nullptr, 404));
    std::ostringstream body;
    body << in.rdbuf();
    respond({200, body.str(), mime_type(path)});
  });
}

}  // namespace parley
