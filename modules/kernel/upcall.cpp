// Parsing of struct igmpmsg and struct mrt6msg; layouts pinned against the
// kernel headers with static_assert so a header change cannot go unnoticed.
#include "modules/kernel/upcall.hpp"

#include <linux/mroute.h>
#include <linux/mroute6.h>

#include <array>
#include <cstddef>
#include <cstring>

namespace mcproxy::kernel {
namespace {

constexpr std::size_t kIgmpmsgSize = 20;
constexpr std::size_t kMrt6msgSize = 40;
static_assert(sizeof(igmpmsg) == kIgmpmsgSize);
static_assert(offsetof(igmpmsg, im_msgtype) == 8);
static_assert(offsetof(igmpmsg, im_mbz) == 9);
static_assert(offsetof(igmpmsg, im_vif) == 10);
static_assert(offsetof(igmpmsg, im_src) == 12);
static_assert(offsetof(igmpmsg, im_dst) == 16);
static_assert(sizeof(mrt6msg) == kMrt6msgSize);
static_assert(offsetof(mrt6msg, im6_msgtype) == 1);
static_assert(offsetof(mrt6msg, im6_mif) == 2);
static_assert(offsetof(mrt6msg, im6_src) == 8);
static_assert(offsetof(mrt6msg, im6_dst) == 24);
static_assert(IGMPMSG_NOCACHE == static_cast<int>(UpcallKind::NoCache));
static_assert(IGMPMSG_WRONGVIF == static_cast<int>(UpcallKind::WrongVif));
static_assert(IGMPMSG_WHOLEPKT == static_cast<int>(UpcallKind::WholePacket));
static_assert(IGMPMSG_WRVIFWHOLE == static_cast<int>(UpcallKind::WrongVifWholePacket));
static_assert(MRT6MSG_NOCACHE == static_cast<int>(UpcallKind::NoCache));
static_assert(MRT6MSG_WRONGMIF == static_cast<int>(UpcallKind::WrongVif));
static_assert(MRT6MSG_WHOLEPKT == static_cast<int>(UpcallKind::WholePacket));
static_assert(MRT6MSG_WRMIFWHOLE == static_cast<int>(UpcallKind::WrongVifWholePacket));

bool known_kind(std::uint8_t k) { return k >= 1 && k <= 4; }

AddressV4 v4_at(std::span<const std::uint8_t> b, std::size_t offset) {
  AddressV4::bytes_type a{};
  std::memcpy(a.data(), b.data() + offset, a.size());
  return AddressV4(a);
}

AddressV6 v6_at(std::span<const std::uint8_t> b, std::size_t offset) {
  AddressV6::bytes_type a{};
  std::memcpy(a.data(), b.data() + offset, a.size());
  return AddressV6(a);
}

}  // namespace

std::string_view to_string(UpcallError e) {
  switch (e) {
    case UpcallError::Truncated: return "truncated upcall";
    case UpcallError::NotUpcall: return "not an upcall";
    case UpcallError::UnknownKind: return "unknown upcall type";
    case UpcallError::Count_: break;
  }
  return "?";
}

bool is_ipv4_upcall(std::span<const std::uint8_t> bytes) { return bytes.size() > 9 && bytes[9] == 0; }

std::expected<KernelUpcall, UpcallError> parse_igmpmsg(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kIgmpmsgSize) return std::unexpected(UpcallError::Truncated);
  if (bytes[9] != 0) return std::unexpected(UpcallError::NotUpcall);
  if (!known_kind(bytes[8])) return std::unexpected(UpcallError::UnknownKind);
  KernelUpcall u;
  u.family = Family::V4;
  u.kind = static_cast<UpcallKind>(bytes[8]);
  // im_vif_hi (offset 11) carries the high byte since Linux 5.x; older kernels set it 0.
  u.vif = static_cast<VifIndex>(bytes[10] | (bytes[11] << 8));
  u.source = v4_at(bytes, 12);
  u.group = v4_at(bytes, 16);
  return u;
}

bool is_ipv6_upcall(std::span<const std::uint8_t> bytes) { return !bytes.empty() && bytes[0] == 0; }

std::expected<KernelUpcall, UpcallError> parse_mrt6msg(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kMrt6msgSize) return std::unexpected(UpcallError::Truncated);
  if (bytes[0] != 0) return std::unexpected(UpcallError::NotUpcall);
  if (!known_kind(bytes[1])) return std::unexpected(UpcallError::UnknownKind);
  KernelUpcall u;
  u.family = Family::V6;
  u.kind = static_cast<UpcallKind>(bytes[1]);
  std::uint16_t mif = 0;  // host byte order, as the kernel writes it
  std::memcpy(&mif, bytes.data() + 2, sizeof mif);
  u.vif = mif;
  u.source = v6_at(bytes, 8);
  u.group = v6_at(bytes, 24);
  return u;
}

}  // namespace mcproxy::kernel
