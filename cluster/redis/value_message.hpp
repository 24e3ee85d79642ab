// value_message: lets a Redis reply (redis_value.hpp) travel in a CAF message, from the
// client's I/O thread to the actor that issued the command (the cluster actor, the store).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>

#include "cluster/redis/redis_value.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::redis::value)
