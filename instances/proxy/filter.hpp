// The configuration's whitelist/blacklist tables applied to memberships and
// to single (source, group) pairs, per interface and direction (mcproxy's
// `pinstance NAME upstream|downstream IF in|out whitelist|blacklist table T`).
#pragma once

#include "instances/router/downstream_router.hpp"  // Membership
#include "modules/config/config.hpp"
#include "modules/common/address.hpp"

#include <string>

namespace mcproxy::instances {

// Whether (group, source) passes an optional filter; no filter admits all.
bool filter_admits(const config::FilterBinding* filter, const std::string& ifname, const Address& group,
                   const Address& source);

// Restricts a membership of `group` to what the filter admits. INCLUDE lists
// are filtered source by source (exact). EXCLUDE ("all but X") is exact when
// the matching rules name the whole source family or few enough addresses to
// enumerate (kMaxEnumeratedSources); for wider partial ranges the result is
// conservative (it may still ask for sources the filter refuses) and the
// per-(S,G) forwarding decision, which uses filter_admits, stays exact.
Membership filter_membership(const Membership& m, const config::FilterBinding* filter, const std::string& ifname,
                             const Address& group);

inline constexpr std::size_t kMaxEnumeratedSources = 256;

}  // namespace mcproxy::instances
