// The control channel's owned descriptors (sockets, epoll, eventfd): the
// project's one owned-descriptor type, modules/common/fd.hpp, under the name
// the control code uses.
#pragma once

#include "modules/common/fd.hpp"

namespace mcproxy::control {

using UniqueFd = mcproxy::Fd;

}  // namespace mcproxy::control
