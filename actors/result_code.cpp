#include "actors/result_code.hpp"

namespace parley {

const char* code_message(result_code code) {
  switch (code) {
    case result_code::ok: return "Success";
    case result_code::not_logged_in: return "Not logged in";
    case result_code::illegal_parameter: return "Illegal parameter";
    case result_code::illegal_user_id: return "Illegal user id";
    case result_code::unauthorized: return "Unauthorized";
    case result_code::server_error: return "Server error";
    case result_code::no_data: return "No data";
    case result_code::add_failed: return "Add failed";
    case result_code::delete_failed: return "Delete failed";
    case result_code::store_failed: return "Store failed";
    case result_code::operation_failed: return "Operation failed";
    case result_code::route_not_exist: return "Route does not exist";
    case result_code::rate_limited: return "Rate limited";
  }
  return "Unknown";
}

}  // namespace parley
