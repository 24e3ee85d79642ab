// The web UI: files under webui_dir, served for GET paths no API route claims.
// "/" is index.html, "/console" is console.html, "/home/index" (the original's page) is
// index.html. Paths with ".." or a NUL are refused; files are read per request (the UI is
// small and this keeps edits live while developing).
#include <fstream>
#include <sstream>

#include "gateway/routes/routes.hpp"

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

}  // namespace

void add_static_files(http_router& router, gateway_context& ctx) {
  router.set_fallback([&ctx](const api_request& req, responder respond) {
    auto path = req.path;
    if (path == "/" || path == "/home/index") path = "/index.html";
    if (path == "/console") path = "/console.html";
    if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos)
      return respond(json_reply(404, "not found", nullptr, 404));
    std::ifstream in(ctx.config->webui_dir + path, std::ios::binary);
    if (!in) return respond(json_reply(404, "not found", nullptr, 404));
    std::ostringstream body;
    body << in.rdbuf();
    respond({200, body.str(), mime_type(path)});
  });
}

}  // namespace parley
