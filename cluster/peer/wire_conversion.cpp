#include "cluster/peer/wire_conversion.hpp"

#include <memory>

namespace parley::cluster {

void to_wire(uint64_t id, const peer_request& r, wire::Envelope& out) {
  out.set_id(id);
  using k = peer_request::kind;
  switch (r.what) {
    case k::user: {
      auto* m = out.mutable_user();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      m->set_frame(*r.frame);
      break;
    }
    case k::group: {
      auto* m = out.mutable_group();
      m->set_app_id(r.app_id);
      m->set_group(r.id);
      m->set_sender(r.sender);
      m->set_frame(*r.frame);
      break;
    }
    case k::app: {
      auto* m = out.mutable_app();
      m->set_app_id(r.app_id);
      m->set_frame(*r.frame);
      m->set_except_user(r.sender);
      break;
    }
    case k::users: {
      auto* m = out.mutable_users();
      m->set_app_id(r.app_id);
      m->set_cursor(r.cursor);
      m->set_limit(r.limit);
      break;
    }
    case k::client: {
      auto* m = out.mutable_client();
      m->set_client_id(r.id);
      m->set_op(r.op);
      m->set_app_id(r.app_id);
      m->set_user_id(r.sender);
      if (r.frame) m->set_frame(*r.frame);
      break;
    }
    case k::clients: {
      auto* m = out.mutable_clients();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      m->set_cursor(r.cursor);
      m->set_limit(r.limit);
      break;
    }
    case k::unbind: {
      auto* m = out.mutable_unbind();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      break;
    }
    case k::groups: out.mutable_groups()->set_app_id(r.app_id); break;
    case k::drain: out.mutable_drain(); break;
    case k::kick: {
      auto* m = out.mutable_kick();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      m->set_reason(r.sender);
      break;
    }
    case k::online: {
      auto* m = out.mutable_online();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      break;
    }
    case k::members: {
      auto* m = out.mutable_members();
      m->set_app_id(r.app_id);
      m->set_group(r.id);
      break;
    }
    case k::member: {
      auto* m = out.mutable_member();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      m->set_group(r.sender);
      m->set_joined(r.joined);
      break;
    }
    case k::user_groups: {
      auto* m = out.mutable_user_groups();
      m->set_app_id(r.app_id);
      m->set_user_id(r.id);
      break;
    }
  }
}

void to_wire(uint64_t id, const peer_answer& a, wire::Envelope& out) {
  out.set_id(id);
  auto* m = out.mutable_answer();
  m->set_ok(a.ok);
  m->set_count(a.count);
  for (const auto& s : a.ids) m->add_ids(s);
  m->set_total(a.total);
  m->set_next_cursor(a.next_cursor);
  m->set_code(static_cast<uint32_t>(a.code));
  m->set_code_msg(a.code_msg);
  for (const auto& c : a.clients) {
    auto* info = m->add_clients();
    info->set_client_id(c.id);
    info->set_app_id(c.app_id);
    info->set_user_id(c.user_id);
    info->set_node_id(c.node);
    info->set_remote(c.remote);
  }
}

namespace {
frame_ptr frame_of(const std::string& bytes) { return std::make_shared<const std::string>(bytes); }
}  // namespace

bool request_from_wire(const wire::Envelope& e, peer_request& out) {
  using k = peer_request::kind;
  out.wants_answer = e.id() != 0;
  switch (e.body_case()) {
    case wire::Envelope::kUser:
      out.what = k::user;
      out.app_id = e.user().app_id();
      out.id = e.user().user_id();
      out.frame = frame_of(e.user().frame());
      return true;
    case wire::Envelope::kGroup:
      out.what = k::group;
      out.app_id = e.group().app_id();
      out.id = e.group().group();
      out.sender = e.group().sender();
      out.frame = frame_of(e.group().frame());
      return true;
    case wire::Envelope::kApp:
      out.what = k::app;
      out.app_id = e.app().app_id();
      out.sender = e.app().except_user();
      out.frame = frame_of(e.app().frame());
      return true;
    case wire::Envelope::kUsers:
      out.what = k::users;
      out.app_id = e.users().app_id();
      out.cursor = e.users().cursor();
      out.limit = e.users().limit();
      return true;
    case wire::Envelope::kClient:
      out.what = k::client;
      out.id = e.client().client_id();
      out.op = static_cast<uint8_t>(e.client().op());
      out.app_id = e.client().app_id();
      out.sender = e.client().user_id();
      if (!e.client().frame().empty()) out.frame = frame_of(e.client().frame());
      return true;
    case wire::Envelope::kClients:
      out.what = k::clients;
      out.app_id = e.clients().app_id();
      out.id = e.clients().user_id();
      out.cursor = e.clients().cursor();
      out.limit = e.clients().limit();
      return true;
    case wire::Envelope::kUnbind:
      out.what = k::unbind;
      out.app_id = e.unbind().app_id();
      out.id = e.unbind().user_id();
      return true;
    case wire::Envelope::kDrain:
      out.what = k::drain;
      return true;
    case wire::Envelope::kGroups:
      out.what = k::groups;
      out.app_id = e.groups().app_id();
      return true;
    case wire::Envelope::kKick:
      out.what = k::kick;
      out.app_id = e.kick().app_id();
      out.id = e.kick().user_id();
      out.sender = e.kick().reason();
      return true;
    case wire::Envelope::kOnline:
      out.what = k::online;
      out.app_id = e.online().app_id();
      out.id = e.online().user_id();
      return true;
    case wire::Envelope::kMembers:
      out.what = k::members;
      out.app_id = e.members().app_id();
      out.id = e.members().group();
      return true;
    case wire::Envelope::kMember:
      out.what = k::member;
      out.app_id = e.member().app_id();
      out.id = e.member().user_id();
      out.sender = e.member().group();
      out.joined = e.member().joined();
      return true;
    case wire::Envelope::kUserGroups:
      out.what = k::user_groups;
      out.app_id = e.user_groups().app_id();
      out.id = e.user_groups().user_id();
      return true;
    default: return false;
  }
}

bool answer_from_wire(const wire::Envelope& e, peer_answer& out) {
  if (e.body_case() != wire::Envelope::kAnswer) return false;
  const auto& m = e.answer();
  out.ok = m.ok();
  out.count = m.count();
  out.ids.assign(m.ids().begin(), m.ids().end());
  out.total = m.total();
  out.next_cursor = m.next_cursor();
  out.code = static_cast<result_code>(m.code());
  out.code_msg = m.code_msg();
  out.clients.clear();
  for (const auto& c : m.clients())
    out.clients.push_back({c.client_id(), c.app_id(), c.user_id(), c.node_id(), c.remote()});
  return true;
}

}  // namespace parley::cluster
