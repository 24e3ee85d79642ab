// parley-admin: the management API (proto/gateway.proto, docs/grpc-api.md) from a shell.
//
//   parley-admin --target HOST:PORT [--api-key K] [--json] COMMAND [--app ID] [--user ID]
//                [--group NAME] [--client ID] [--node ID] [--msg TEXT]
//
// Output is a table (or one line) by default, JSON with --json; streamed lists print page
// by page as they arrive. Exit codes: 0 done, 1 the call failed (the status on stderr),
// 2 bad usage.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "proto/gateway.grpc.pb.h"

namespace {

namespace pb = parley::admin;
using json = nlohmann::json;

struct options {
  std::string target;
  std::string api_key;
  bool json = false;
  std::string command;
  std::map<std::string, std::string> args;  // app, user, group, client, node, msg
};

struct command_info {
  const char* name;
  std::vector<std::string> needs;  // required flags
  const char* help;
};

const std::vector<command_info> commands = {
    {"nodes", {}, "the cluster's live nodes"},
    {"users", {"app"}, "every online user of an app (streamed)"},
    {"online", {"app"}, "whether --user has a connection on any node, or --client is open"},
    {"count", {"app"}, "online users, clients and groups of an app; with --group: its members"},
    {"groups", {"app", "group"}, "the members of a group (streamed)"},
    {"send", {"app", "msg"}, "a message to --user, to --group or to one --client"},
    {"broadcast", {"app", "msg"}, "a message to every user of an app"},
    {"clients", {"app"},
     "the logged-in connections of an app (streamed); with --user: that user's; with --client:"
     " who is on it"},
    {"bind", {"app", "client", "user"}, "logs connection --client in as --user (no token)"},
    {"unbind", {"app", "user"}, "logs every connection of --user out; they stay open"},
    {"join", {"app", "user", "group"}, "adds a user to a group"},
    {"leave", {"app", "user", "group"}, "removes a user from a group"},
    {"ungroup", {"app", "group"}, "removes every member of a group, on every node"},
    {"close", {"app", "client"}, "closes one connection"},
    {"kick", {"app", "user"}, "closes every connection of a user (--msg: the reason)"},
    {"drain", {}, "stops --node (default: the one asked) accepting and closes its connections"},
    {"actors", {}, "every node's hot actors (messages/s, mailbox) and commands (count, p50, p99)"},
    {"top", {}, "the 10 busiest groups of the cluster, by messages per second"},
};

const command_info* find_command(const std::string& name) {
  for (const auto& c : commands)
    if (name == c.name) return &c;
  return nullptr;
}

void usage(std::ostream& out) {
  out << "usage: parley-admin --target HOST:PORT [--api-key KEY] [--json] COMMAND [flags]\n"
         "flags: --app APPID --user USERID --group NAME --client ID --node ID --msg TEXT\n"
         "The API key may also come from PARLEY_API_KEY. `parley-admin COMMAND --help` for one\n"
         "command. Exit codes: 0 done, 1 the call failed, 2 bad usage.\ncommands:\n";
  for (const auto& c : commands) {
    std::string name = c.name;
    out << "  " << name << std::string(12 - name.size(), ' ') << c.help << "\n";
  }
}

// 2 on bad usage (message printed), 0 to go on, -1 when help was printed.
int parse(int argc, char** argv, options& o) {
  if (const char* key = std::getenv("PARLEY_API_KEY")) o.api_key = key;
  bool help = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      help = true;
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--target") {
      if (!value(o.target)) return std::cerr << "--target needs HOST:PORT\n", 2;
    } else if (a == "--api-key") {
      if (!value(o.api_key)) return std::cerr << "--api-key needs a value\n", 2;
    } else if (a.rfind("--", 0) == 0) {
      auto name = a.substr(2);
      if (name != "app" && name != "user" && name != "group" && name != "client" &&
          name != "node" && name != "msg")
        return std::cerr << "unknown flag " << a << " (parley-admin --help)\n", 2;
      if (!value(o.args[name])) return std::cerr << a << " needs a value\n", 2;
    } else if (o.command.empty()) {
      o.command = a;
    } else {
      return std::cerr << "unexpected argument " << a << "\n", 2;
    }
  }
  if (help) {
    if (auto* c = find_command(o.command)) {
      std::cout << "parley-admin --target HOST:PORT " << c->name;
      for (const auto& flag : c->needs) std::cout << " --" << flag << " ...";
      std::cout << "\n  " << c->help << "\n";
    } else {
      usage(std::cout);
    }
    return -1;
  }
  if (o.command.empty()) return usage(std::cerr), 2;
  auto* c = find_command(o.command);
  if (!c) return std::cerr << "unknown command " << o.command << " (parley-admin --help)\n", 2;
  if (o.target.empty()) return std::cerr << "--target HOST:PORT is required\n", 2;
  for (const auto& flag : c->needs)
    if (!o.args.count(flag))
      return std::cerr << o.command << " needs --" << flag << " (parley-admin " << o.command
                       << " --help)\n",
             2;
  if (o.command == "send" && !o.args.count("user") && !o.args.count("group") &&
      !o.args.count("client"))
    return std::cerr << "send needs --user, --group or --client\n", 2;
  if (o.command == "online" && !o.args.count("user") && !o.args.count("client"))
    return std::cerr << "online needs --user or --client\n", 2;
  if (o.args.count("app")) {
    const auto& text = o.args["app"];
    char* end = nullptr;
    auto v = std::strtoul(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v == 0 || v > 0xffffffffUL)
      return std::cerr << "--app must be a positive integer\n", 2;
  }
  return 0;
}

class admin {
 public:
  explicit admin(const options& o)
      : o_(o),
        stub_(pb::Gateway::NewStub(
            grpc::CreateChannel(o.target, grpc::InsecureChannelCredentials()))) {}

  int run() {
    const auto& c = o_.command;
    if (c == "nodes") return nodes();
    if (c == "actors" || c == "top") return stats(c == "top");
    if (c == "users")
      return id_list(
          [&](grpc::ClientContext* ctx) { return stub_->GetAllOnlineUid(ctx, app_request()); },
          "userID");
    if (c == "groups")
      return id_list(
          [&](grpc::ClientContext* ctx) {
            return stub_->GetGroupOnlineClient(ctx, group_request());
          },
          "userID");
    if (c == "online" && o_.args.count("client")) {
      pb::ClientRequest req;
      req.set_app_id(app());
      req.set_client_id(arg("client"));
      pb::BoolReply reply;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->ClientIsOnline(ctx, req, &reply); },
          [&] {
            return json{{"clientID", req.client_id()}, {"online", reply.value()}};
          });
    }
    if (c == "online") {
      pb::UidRequest req;
      req.set_app_id(app());
      req.set_user_id(arg("user"));
      pb::BoolReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->UidIsOnline(ctx, req, &reply); },
                   [&] {
                     return json{{"userID", req.user_id()}, {"online", reply.value()}};
                   });
    }
    if (c == "count" && o_.args.count("group")) {
      pb::CountReply reply;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->CountGroup(ctx, group_request(), &reply); },
          [&] {
            return json{{"group", arg("group")}, {"count", reply.count()}};
          });
    }
    if (c == "count") {
      pb::CountReply users, clients, groups;
      return unary(
          [&](grpc::ClientContext* ctx) {
            auto st = stub_->CountOnlineUid(ctx, app_request(), &users);
            if (!st.ok()) return st;
            auto ctx2 = context();
            st = stub_->CountOnlineClient(ctx2.get(), app_request(), &clients);
            if (!st.ok()) return st;
            auto ctx3 = context();
            return stub_->CountOnlineGroup(ctx3.get(), app_request(), &groups);
          },
          [&] {
            return json{
                {"users", users.count()}, {"clients", clients.count()}, {"groups", groups.count()}};
          });
    }
    if (c == "bind") {
      pb::BindRequest req;
      req.set_app_id(app());
      req.set_client_id(arg("client"));
      req.set_user_id(arg("user"));
      pb::BoolReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->ClientBindUid(ctx, req, &reply); },
                   [&] {
                     return json{{"clientID", req.client_id()}, {"userID", req.user_id()}};
                   });
    }
    if (c == "unbind") {
      pb::UidRequest req;
      req.set_app_id(app());
      req.set_user_id(arg("user"));
      pb::CloseReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->UnBindUid(ctx, req, &reply); },
                   [&] {
                     return json{{"unbound", reply.closed()}};
                   });
    }
    if (c == "clients" && o_.args.count("client")) {
      pb::ClientRequest req;
      req.set_app_id(app());
      req.set_client_id(arg("client"));
      pb::UidReply reply;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->GetUidByClient(ctx, req, &reply); },
          [&] {
            return json{{"clientID", req.client_id()},
                        {"appID", reply.app_id()},
                        {"userID", reply.user_id()}};
          });
    }
    if (c == "clients" && o_.args.count("user")) {
      pb::UidRequest req;
      req.set_app_id(app());
      req.set_user_id(arg("user"));
      return client_list(
          [&](grpc::ClientContext* ctx) { return stub_->GetClientByUid(ctx, req); });
    }
    if (c == "clients")
      return client_list(
          [&](grpc::ClientContext* ctx) { return stub_->GetAllOnlineClient(ctx, app_request()); });
    if (c == "send" || c == "broadcast") return send();
    if (c == "join" || c == "leave") {
      pb::GroupUidRequest req;
      req.set_app_id(app());
      req.set_group(arg("group"));
      req.set_user_id(arg("user"));
      pb::BoolReply reply;
      return unary(
          [&](grpc::ClientContext* ctx) {
            return c == "join" ? stub_->JoinGroup(ctx, req, &reply)
                               : stub_->LeaveGroup(ctx, req, &reply);
          },
          [&] {
            return json{{"changed", reply.value()}};
          });
    }
    if (c == "ungroup") {
      pb::CountReply reply;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->UnGroup(ctx, group_request(), &reply); },
          [&] {
            return json{{"removed", reply.count()}};
          });
    }
    if (c == "close") {
      pb::ClientRequest req;
      req.set_app_id(app());
      req.set_client_id(arg("client"));
      pb::CloseReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->CloseClient(ctx, req, &reply); },
                   [&] {
                     return json{{"closed", reply.closed()}};
                   });
    }
    if (c == "kick") {
      pb::KickRequest req;
      req.set_app_id(app());
      req.set_user_id(arg("user"));
      req.set_reason(arg("msg"));
      pb::CloseReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->KickUser(ctx, req, &reply); },
                   [&] {
                     return json{{"closed", reply.closed()}};
                   });
    }
    if (c == "drain") {
      pb::DrainRequest req;
      req.set_node_id(arg("node"));
      pb::DrainReply reply;
      return unary([&](grpc::ClientContext* ctx) { return stub_->DrainNode(ctx, req, &reply); },
                   [&] {
                     return json{{"closed", reply.closed()}};
                   });
    }
    return 2;
  }

 private:
  std::unique_ptr<grpc::ClientContext> context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!o_.api_key.empty()) ctx->AddMetadata("authorization", "Bearer " + o_.api_key);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  }

  std::string arg(const std::string& name) const {
    auto it = o_.args.find(name);
    return it == o_.args.end() ? std::string{} : it->second;
  }
  uint32_t app() const {
    return static_cast<uint32_t>(std::strtoul(arg("app").c_str(), nullptr, 10));
  }

  pb::AppRequest app_request() const {
    pb::AppRequest r;
    r.set_app_id(app());
    return r;
  }
  pb::GroupRequest group_request() const {
    pb::GroupRequest r;
    r.set_app_id(app());
    r.set_group(arg("group"));
    return r;
  }

  int finish(const grpc::Status& st) const {
    if (st.ok()) return 0;
    std::cerr << "parley-admin: " << o_.command << " failed: " << code_name(st.error_code()) << ": "
              << st.error_message() << "\n";
    return 1;
  }

  static const char* code_name(grpc::StatusCode code) {
    switch (code) {
      case grpc::StatusCode::CANCELLED:
        return "CANCELLED";
      case grpc::StatusCode::INVALID_ARGUMENT:
        return "INVALID_ARGUMENT";
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return "DEADLINE_EXCEEDED";
      case grpc::StatusCode::NOT_FOUND:
        return "NOT_FOUND";
      case grpc::StatusCode::PERMISSION_DENIED:
        return "PERMISSION_DENIED";
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
        return "RESOURCE_EXHAUSTED";
      case grpc::StatusCode::FAILED_PRECONDITION:
        return "FAILED_PRECONDITION";
      case grpc::StatusCode::UNIMPLEMENTED:
        return "UNIMPLEMENTED";
      case grpc::StatusCode::UNAVAILABLE:
        return "UNAVAILABLE";
      case grpc::StatusCode::UNAUTHENTICATED:
        return "UNAUTHENTICATED";
      default:
        return "ERROR";
    }
  }

  template <class Call, class Shape>
  int unary(Call&& call, Shape&& shape) const {
    auto ctx = context();
    auto st = call(ctx.get());
    if (!st.ok()) return finish(st);
    auto out = shape();
    if (o_.json) {
      std::cout << out.dump() << "\n";
    } else {
      bool first = true;
      for (auto& [k, v] : out.items()) {
        std::cout << (first ? "" : "  ") << k << ": "
                  << (v.is_string() ? v.template get<std::string>() : v.dump());
        first = false;
      }
      std::cout << "\n";
    }
    return 0;
  }

  void print_row(const std::vector<std::string>& cells) const {
    if (o_.json) {
      std::cout << json(cells).dump() << "\n";
      return;
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      std::cout << cells[i];
      if (i + 1 < cells.size())
        std::cout << std::string(cells[i].size() < 24 ? 24 - cells[i].size() : 1, ' ');
    }
    std::cout << "\n";
  }

  // A streamed list of ids: one per line (JSON: one string per line), as pages arrive.
  template <class Open>
  int id_list(Open&& open, const char* what) const {
    auto ctx = context();
    auto reader = open(ctx.get());
    pb::IdPage page;
    uint64_t n = 0;
    if (!o_.json) std::cout << what << "\n";
    while (reader->Read(&page)) {
      for (const auto& id : page.ids()) {
        std::cout << (o_.json ? json(id).dump() : id) << "\n";
        ++n;
      }
    }
    auto st = reader->Finish();
    if (st.ok() && !o_.json) std::cerr << n << " listed\n";
    return finish(st);
  }

  // A streamed list of clients: a table row (JSON: one object) per client, as pages arrive.
  template <class Open>
  int client_list(Open&& open) const {
    auto ctx = context();
    auto reader = open(ctx.get());
    pb::ClientPage page;
    uint64_t n = 0;
    if (!o_.json) print_row({"CLIENT", "USER", "NODE", "REMOTE"});
    while (reader->Read(&page)) {
      for (const auto& cl : page.clients()) {
        if (o_.json)
          std::cout << json{{"clientID", cl.client_id()},
                            {"appID", cl.app_id()},
                            {"userID", cl.user_id()},
                            {"node", cl.node_id()},
                            {"remote", cl.remote()}}
                           .dump()
                    << "\n";
        else
          print_row({cl.client_id(), cl.user_id(), cl.node_id(), cl.remote()});
        ++n;
      }
    }
    auto st = reader->Finish();
    if (st.ok() && !o_.json) std::cerr << n << " listed\n";
    return finish(st);
  }

  static std::string fixed(double v, int digits = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
  }

  // `actors`: per node, its hot actors and its commands; `top`: the busiest groups.
  int stats(bool top) const {
    pb::StatsReply reply;
    auto ctx = context();
    auto st = stub_->ActorStats(ctx.get(), pb::Empty{}, &reply);
    if (!st.ok()) return finish(st);
    if (top) {
      struct row {
        const pb::ActorStat* g;
        std::string node;
      };
      std::vector<row> rows;
      for (const auto& n : reply.nodes())
        for (const auto& g : n.groups()) rows.push_back({&g, n.node_id()});
      std::sort(rows.begin(), rows.end(),
                [](const row& a, const row& b) { return a.g->per_second() > b.g->per_second(); });
      if (rows.size() > 10) rows.resize(10);
      if (!o_.json) print_row({"GROUP", "NODE", "MEMBERS", "MSG/S", "MAILBOX"});
      for (const auto& r : rows) {
        if (o_.json)
          std::cout << json{{"group", r.g->name()},
                            {"node", r.node},
                            {"members", r.g->members()},
                            {"perSecond", r.g->per_second()},
                            {"mailbox", r.g->mailbox()}}
                           .dump()
                    << "\n";
        else
          print_row({r.g->name(), r.node, std::to_string(r.g->members()),
                     fixed(r.g->per_second()), std::to_string(r.g->mailbox())});
      }
      return 0;
    }
    for (const auto& n : reply.nodes()) {
      if (o_.json) {
        auto actors = json::array(), commands = json::array();
        for (const auto* list : {&n.actors(), &n.groups()})
          for (const auto& a : *list)
            actors.push_back({{"kind", a.kind()},
                              {"name", a.name()},
                              {"perSecond", a.per_second()},
                              {"mailbox", a.mailbox()}});
        for (const auto& c : n.commands())
          commands.push_back({{"cmd", c.cmd()},
                              {"count", c.count()},
                              {"errors", c.errors()},
                              {"perSecond", c.per_second()},
                              {"p50Us", c.p50_us()},
                              {"p99Us", c.p99_us()}});
        std::cout << json{{"node", n.node_id()},
                          {"self", n.self()},
                          {"timeMs", n.time_ms()},
                          {"actors", actors},
                          {"commands", commands}}
                         .dump()
                  << "\n";
        continue;
      }
      std::cout << "node " << n.node_id() << (n.self() ? " *" : "")
                << (n.time_ms() == 0 ? "  (sampling off)" : "") << "\n";
      print_row({"KIND", "NAME", "MSG/S", "MAILBOX"});
      for (const auto* list : {&n.actors(), &n.groups()})
        for (const auto& a : *list)
          print_row({a.kind(), a.name(), fixed(a.per_second()), std::to_string(a.mailbox())});
      print_row({"COMMAND", "COUNT", "ERRORS", "CMD/S", "P50_US", "P99_US"});
      for (const auto& c : n.commands())
        print_row({c.cmd(), std::to_string(c.count()), std::to_string(c.errors()),
                   fixed(c.per_second()), fixed(c.p50_us()), fixed(c.p99_us())});
      std::cout << "\n";
    }
    return 0;
  }

  int nodes() const {
    pb::NodeList reply;
    auto ctx = context();
    auto st = stub_->ListNodes(ctx.get(), pb::Empty{}, &reply);
    if (!st.ok()) return finish(st);
    if (!o_.json) print_row({"NODE", "GRPC", "PUBLIC", "CONNECTIONS", "USERS"});
    for (const auto& n : reply.nodes()) {
      if (o_.json) {
        std::cout << json{{"node", n.node_id()},
                          {"grpc", n.grpc_address()},
                          {"public", n.public_address()},
                          {"startedMs", n.started_ms()},
                          {"connections", n.connections()},
                          {"users", n.users()},
                          {"self", n.self()}}
                         .dump()
                  << "\n";
      } else {
        print_row({n.node_id() + (n.self() ? " *" : ""), n.grpc_address(), n.public_address(),
                   std::to_string(n.connections()), std::to_string(n.users())});
      }
    }
    return 0;
  }

  int send() const {
    pb::Message m;
    m.set_msg(arg("msg"));
    pb::SendReply reply;
    auto shape = [&] {
      return json{{"delivered", reply.delivered()},
                  {"recipients", reply.recipients()},
                  {"duplicate", reply.duplicate()}};
    };
    if (o_.command == "broadcast") {
      pb::BroadcastRequest req;
      req.set_app_id(app());
      *req.mutable_message() = m;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->BroadcastMessage(ctx, req, &reply); },
          shape);
    }
    if (o_.args.count("client")) {
      pb::ClientSendRequest req;
      req.set_app_id(app());
      req.set_client_id(arg("client"));
      *req.mutable_message() = m;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->SendMessageToClient(ctx, req, &reply); },
          shape);
    }
    if (o_.args.count("group")) {
      pb::GroupSendRequest req;
      req.set_app_id(app());
      req.set_group(arg("group"));
      *req.mutable_message() = m;
      return unary(
          [&](grpc::ClientContext* ctx) { return stub_->SendMessageToGroup(ctx, req, &reply); },
          shape);
    }
    pb::UidSendRequest req;
    req.set_app_id(app());
    req.set_user_id(arg("user"));
    *req.mutable_message() = m;
    return unary(
        [&](grpc::ClientContext* ctx) { return stub_->SendMessageToUid(ctx, req, &reply); }, shape);
  }

  const options& o_;
  std::unique_ptr<pb::Gateway::Stub> stub_;
};

}  // namespace

int main(int argc, char** argv) {
  options o;
  int parsed = parse(argc, argv, o);
  if (parsed == -1) return 0;
  if (parsed != 0) return parsed;
  return admin(o).run();
}
