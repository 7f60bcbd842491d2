// The Routing module against the fake kernel, driven on the test thread:
// table setup order, VIF numbering (a freed number last) and MAXVIFS, rules, MFC, counters, teardown.
#include "modules/routing/routing.hpp"

#include "modules/kernel/fake_kernel.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <vector>

namespace mcproxy::routing {
namespace {

using kernel::FakeKernel;
using kernel::MrouteRule;

const TableId kTable4{Family::V4, 10};
const TableId kDefault4{Family::V4, kDefaultMrouteTable};
const Address kSource = AddressV4({10, 1, 0, 5});
const Address kGroup = AddressV4({239, 1, 1, 1});

class RoutingTest : public ::testing::Test {
 protected:
  std::vector<std::string> calls_named(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& c : kernel.calls())
      if (c.rfind(prefix, 0) == 0) out.push_back(c);
    return out;
  }
  std::vector<InstanceEvent> events() {
    std::vector<InstanceEvent> out;
    owner->drain([&](InstanceEvent&& e) { out.push_back(std::move(e)); });
    return out;
  }
  void create(const TableId& t) { routing.handle(CreateTable{t, owner, 1}); }
  void add_vif(const TableId& t, int ifindex, const std::string& name) {
    routing.handle(AddVif{t, ifindex, name, 1, 2});
  }
  int fd_of(const TableId& t) { return routing.table(t)->socket->get(); }

  FakeKernel kernel;
  std::vector<receiver::ReceiverMessage> to_receiver;
  Routing routing{kernel, [this](receiver::ReceiverMessage m) { to_receiver.push_back(std::move(m)); }};
  std::shared_ptr<InstanceMailbox> owner = std::make_shared<InstanceMailbox>(256);
};

// MRT_TABLE only takes effect before MRT_INIT (ipmr returns EBUSY after).
TEST_F(RoutingTest, CreateTableSetsTableBeforeInitThenFlushes) {
  create(kTable4);
  const auto calls = kernel.calls();
  auto pos = [&](const std::string& prefix) {
    return std::find_if(calls.begin(), calls.end(), [&](const std::string& c) { return c.rfind(prefix, 0) == 0; }) -
           calls.begin();
  };
  EXPECT_LT(pos("open_mroute_socket"), pos("set_table"));
  EXPECT_LT(pos("set_table"), pos("mrt_init"));
  EXPECT_LT(pos("mrt_init"), pos("flush"));
  ASSERT_NE(routing.table(kTable4), nullptr);
  const auto tables = kernel.tables();
  const auto& t = tables.at(fd_of(kTable4));
  EXPECT_TRUE(t.initialized);
  EXPECT_EQ(t.table, 10u);
}

TEST_F(RoutingTest, CreateTableHandsMrouteSocketToReceiver) {
  create(kTable4);
  ASSERT_EQ(to_receiver.size(), 1u);
  const auto& add = std::get<receiver::AddMrouteSocket>(to_receiver[0]);
  EXPECT_EQ(add.table, kTable4);
  EXPECT_EQ(add.socket->get(), fd_of(kTable4));
  EXPECT_EQ(add.owner.lock(), owner);
}

TEST_F(RoutingTest, CreateTableFailureIsReportedWithCallAndErrno) {
  kernel.fail_next("mrt_init", EADDRINUSE);
  create(kTable4);
  EXPECT_EQ(routing.table(kTable4), nullptr);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& f = std::get<RoutingFailure>(ev[0]);
  EXPECT_EQ(f.request_id, 1u);
  EXPECT_NE(f.error.find("mrt_init"), std::string::npos);
  EXPECT_NE(f.error.find("errno 98"), std::string::npos);
  EXPECT_EQ(routing.failures(), 1u);
}

TEST_F(RoutingTest, NonDefaultTableNeedsMrtTable) {
  kernel.fail_next("set_table", ENOPROTOOPT);
  create(kTable4);
  EXPECT_EQ(routing.table(kTable4), nullptr);
  kernel.fail_next("set_table", ENOPROTOOPT);
  create(kDefault4);  // a kernel without multiple tables still has the default one
  EXPECT_NE(routing.table(kDefault4), nullptr);
}

TEST_F(RoutingTest, VifsGetTheNextFreeNumberAndAreReported) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  routing.handle(DelVif{kTable4, 4});
  add_vif(kTable4, 6, "dn1");
  const auto tables = kernel.tables();
  EXPECT_EQ(tables.at(fd_of(kTable4)).vifs, (std::map<VifIndex, int>{{1, 5}, {2, 6}}));
  std::vector<std::pair<int, VifIndex>> added;
  for (auto& e : events())
    if (auto* v = std::get_if<VifAdded>(&e)) added.emplace_back(v->ifindex, v->vif);
  EXPECT_EQ(added, (std::vector<std::pair<int, VifIndex>>{{4, 0}, {5, 1}, {6, 2}}));
}

// A number just freed is the last to be taken again: a NOCACHE upcall of the
// removed VIF still on its way to the instance must not be read as data on
// the interface that got its number (the instance would install the entry
// with the wrong input interface). The search wraps at MAXVIFS.
TEST_F(RoutingTest, AFreedVifNumberIsTakenAgainOnlyAfterTheOthers) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");  // 0
  add_vif(kTable4, 5, "dn0");  // 1
  routing.handle(DelVif{kTable4, 5});
  routing.handle(DelVif{kTable4, 4});
  for (int i = 0; i < 30; ++i) add_vif(kTable4, 100 + i, "if" + std::to_string(i));  // 2..31
  add_vif(kTable4, 6, "dn1");  // wraps: 0, the lowest free
  add_vif(kTable4, 7, "dn2");  // 1
  const auto& vifs = routing.table(kTable4)->vifs;
  EXPECT_EQ(vifs.at(100).vif, 2);
  EXPECT_EQ(vifs.at(129).vif, 31);
  EXPECT_EQ(vifs.at(6).vif, 0);
  EXPECT_EQ(vifs.at(7).vif, 1);
}

// The kernel's first upcall for a new VIF can come the moment the VIF exists,
// through the Receiver on another thread: the owner must already know the
// VIF's number (else it drops the upcall, and the kernel sends no other for
// that (S,G) for 10 s). So VifAdded goes out before the kernel call, and a
// failed call takes it back.
TEST_F(RoutingTest, VifNumberReachesOwnerBeforeTheKernelHasTheVif) {
  create(kTable4);
  (void)events();
  kernel.fail_next("add_vif", EADDRINUSE);
  add_vif(kTable4, 4, "up0");
  auto ev = events();
  ASSERT_EQ(ev.size(), 3u);
  ASSERT_TRUE(std::holds_alternative<VifAdded>(ev[0]));
  EXPECT_EQ(std::get<VifAdded>(ev[0]).ifindex, 4);
  ASSERT_TRUE(std::holds_alternative<VifRemoved>(ev[1]));
  EXPECT_EQ(std::get<VifRemoved>(ev[1]).vif, std::get<VifAdded>(ev[0]).vif);
  EXPECT_TRUE(std::holds_alternative<RoutingFailure>(ev[2]));
  EXPECT_TRUE(routing.table(kTable4)->vifs.empty());
}

TEST_F(RoutingTest, AddVifTwiceIsIdempotent) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 4, "up0");
  EXPECT_EQ(calls_named("add_vif").size(), 1u);
  EXPECT_EQ(kernel.rules().size(), 2u);
}

// ipmr: MAXVIFS = 32 per table. The 33rd interface gets a clear error.
TEST_F(RoutingTest, ThirtyThirdVifIsRefusedClearly) {
  create(kTable4);
  for (int i = 0; i < 33; ++i) add_vif(kTable4, 100 + i, "if" + std::to_string(i));
  EXPECT_EQ(routing.table(kTable4)->vifs.size(), 32u);
  auto ev = events();
  ASSERT_TRUE(std::holds_alternative<RoutingFailure>(ev.back()));
  EXPECT_NE(std::get<RoutingFailure>(ev.back()).error.find("MAXVIFS"), std::string::npos);
}

TEST_F(RoutingTest, NonDefaultTableGetsIifAndOifRules) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  EXPECT_EQ(kernel.rules(), (std::vector<MrouteRule>{{Family::V4, "up0", "", 10, kDefaultRulePriority},
                                                     {Family::V4, "", "up0", 10, kDefaultRulePriority}}));
  routing.handle(DelVif{kTable4, 4});
  EXPECT_TRUE(kernel.rules().empty());
}

TEST_F(RoutingTest, DefaultTableNeedsNoRules) {
  create(kDefault4);
  add_vif(kDefault4, 4, "up0");
  EXPECT_TRUE(kernel.rules().empty());
}

TEST_F(RoutingTest, SetMfcTranslatesIfindexesToVifsAndSkipsIncoming) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  add_vif(kTable4, 6, "dn1");
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}, {6, 3}, {4, 1}}, 9});
  const auto tables = kernel.tables();
  const auto& mfc = tables.at(fd_of(kTable4)).mfc;
  ASSERT_EQ(mfc.size(), 1u);
  const MfcEntry& e = mfc.begin()->second;
  EXPECT_EQ(e.incoming, 0);
  EXPECT_EQ(e.outgoing, (std::vector<OutgoingVif>{{1, 1}, {2, 3}}));
  // Changing the entry replaces it.
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{6, 1}}, 10});
  EXPECT_EQ(kernel.tables().at(fd_of(kTable4)).mfc.begin()->second.outgoing, (std::vector<OutgoingVif>{{2, 1}}));
}

TEST_F(RoutingTest, SetMfcWithUnknownInterfaceFails) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  events();
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{77, 1}}, 11});
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(std::get<RoutingFailure>(ev[0]).request_id, 11u);
  EXPECT_TRUE(kernel.tables().at(fd_of(kTable4)).mfc.empty());
}

TEST_F(RoutingTest, DelMfcRemovesEntry) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}}, 1});
  routing.handle(DelMfc{kTable4, kSource, kGroup});
  EXPECT_TRUE(kernel.tables().at(fd_of(kTable4)).mfc.empty());
  routing.handle(DelMfc{kTable4, kSource, kGroup});  // unknown: nothing asked of the kernel
  EXPECT_EQ(calls_named("del_mfc").size(), 1u);
}

// A VIF number freed by DelVif may go to another interface next: no entry
// may keep forwarding to (or accepting from) it.
TEST_F(RoutingTest, DelVifRemovesItFromForwardingEntries) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  add_vif(kTable4, 6, "dn1");
  const Address other_group = AddressV4({239, 2, 2, 2});
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}, {6, 1}}, 1});
  routing.handle(SetMfc{kTable4, kSource, other_group, 5, {{6, 1}}, 2});
  routing.handle(DelVif{kTable4, 5});
  const auto mfc = kernel.tables().at(fd_of(kTable4)).mfc;
  ASSERT_EQ(mfc.size(), 1u);
  EXPECT_EQ(mfc.begin()->second.group, kGroup);
  EXPECT_EQ(mfc.begin()->second.outgoing, (std::vector<OutgoingVif>{{2, 1}}));
  add_vif(kTable4, 7, "dn2");  // reuses VIF 1
  EXPECT_EQ(kernel.tables().at(fd_of(kTable4)).mfc.begin()->second.outgoing, (std::vector<OutgoingVif>{{2, 1}}));
}

// An upcall the owner cannot use leaves an unresolved entry that silences
// the kernel for (S,G) for 10 s: an entry on the upcall's VIF without outputs,
// added and deleted, resolves it. The VIF need not exist any more.
TEST_F(RoutingTest, DiscardUnresolvedAddsAndDeletesAnEntryWithoutOutputs) {
  create(kTable4);
  const auto before = kernel.calls().size();
  routing.handle(DiscardUnresolved{kTable4, 3, kSource, kGroup});
  const auto calls = kernel.calls();
  ASSERT_EQ(calls.size(), before + 2);
  const std::string sg = " (" + kSource.to_string() + "," + kGroup.to_string() + ")";
  EXPECT_EQ(calls[before], "add_mfc fd=" + std::to_string(fd_of(kTable4)) + sg + " iif=3 oifs=");
  EXPECT_EQ(calls[before + 1], "del_mfc fd=" + std::to_string(fd_of(kTable4)) + sg);
  EXPECT_TRUE(kernel.tables().at(fd_of(kTable4)).mfc.empty());
  EXPECT_TRUE(routing.table(kTable4)->mfc.empty());
  EXPECT_TRUE(events().empty());  // nothing to report
}

// When the table has an entry for (S,G), nothing was unresolved: it stays.
TEST_F(RoutingTest, DiscardUnresolvedLeavesAnInstalledEntryAlone) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}}, 1});
  routing.handle(DiscardUnresolved{kTable4, 7, kSource, kGroup});
  EXPECT_EQ(calls_named("add_mfc").size(), 1u);
  EXPECT_TRUE(calls_named("del_mfc").empty());
  EXPECT_EQ(kernel.tables().at(fd_of(kTable4)).mfc.size(), 1u);
}

// A kernel that refuses the entry changes nothing: no failure goes to the
// owner (the unresolved entry then expires by itself).
TEST_F(RoutingTest, DiscardUnresolvedRefusedIsNoFailure) {
  create(kTable4);
  (void)events();
  kernel.fail_next("add_mfc", ENFILE);
  routing.handle(DiscardUnresolved{kTable4, 3, kSource, kGroup});
  EXPECT_TRUE(calls_named("del_mfc").empty());
  EXPECT_TRUE(events().empty());
}

TEST_F(RoutingTest, CountersAreRepliedToRequester) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}}, 1});
  kernel.set_counters(kSource, kGroup, SgCounters{12, 3400, 1});
  events();
  routing.handle(GetCounters{kTable4, 55});
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  const auto& reply = std::get<CounterReply>(ev[0]);
  EXPECT_EQ(reply.request_id, 55u);
  ASSERT_EQ(reply.entries.size(), 1u);
  EXPECT_EQ(reply.entries[0].counters, (SgCounters{12, 3400, 1}));
  EXPECT_EQ(reply.vifs.size(), 2u);
}

// A batched read: at most max_entries entries after `after`, in (S,G) order,
// `more` while entries follow; the batches together read every entry once.
TEST_F(RoutingTest, CountersAreReadInBatches) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  for (std::uint8_t i = 1; i <= 5; ++i) {
    const Address group = AddressV4({239, 1, 1, i});
    routing.handle(SetMfc{kTable4, kSource, group, 4, {{5, 1}}, 1});
    kernel.set_counters(kSource, group, SgCounters{i, 0, 0});
  }
  events();
  std::vector<std::uint64_t> seen;
  std::optional<std::pair<Address, Address>> after;
  int batches = 0;
  for (bool more = true; more && batches < 10; ++batches) {
    GetCounters get{kTable4, 60};
    get.after = after;
    get.max_entries = 2;
    get.vifs = false;
    routing.handle(std::move(get));
    auto ev = events();
    ASSERT_EQ(ev.size(), 1u);
    const auto& reply = std::get<CounterReply>(ev[0]);
    EXPECT_LE(reply.entries.size(), 2u);
    EXPECT_TRUE(reply.vifs.empty());
    for (const auto& e : reply.entries) seen.push_back(e.counters.packets);
    if (!reply.entries.empty()) after = std::make_pair(reply.entries.back().source, reply.entries.back().group);
    more = reply.more;
  }
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
}

TEST_F(RoutingTest, DestroyTableRemovesEverythingThenMrtDone) {
  create(kTable4);
  add_vif(kTable4, 4, "up0");
  add_vif(kTable4, 5, "dn0");
  routing.handle(SetMfc{kTable4, kSource, kGroup, 4, {{5, 1}}, 1});
  const int fd = fd_of(kTable4);
  routing.handle(DestroyTable{kTable4});
  EXPECT_EQ(routing.table(kTable4), nullptr);
  const auto t = kernel.tables().at(fd);
  EXPECT_FALSE(t.initialized);
  EXPECT_TRUE(t.vifs.empty());
  EXPECT_TRUE(t.mfc.empty());
  EXPECT_TRUE(kernel.rules().empty());
  EXPECT_EQ(calls_named("del_mfc").size(), 1u);
  EXPECT_EQ(calls_named("del_vif").size(), 2u);
  ASSERT_EQ(to_receiver.size(), 2u);
  EXPECT_EQ(std::get<receiver::RemoveMrouteSocket>(to_receiver[1]).table, kTable4);
}

TEST_F(RoutingTest, ShutdownTablesTearsDownAllFamilies) {
  create(kTable4);
  create(TableId{Family::V6, 10});
  add_vif(TableId{Family::V6, 10}, 4, "up0");
  routing.shutdown_tables();
  EXPECT_EQ(routing.table(kTable4), nullptr);
  EXPECT_EQ(routing.table(TableId{Family::V6, 10}), nullptr);
  EXPECT_EQ(calls_named("mrt_done").size(), 2u);
  EXPECT_TRUE(kernel.rules().empty());
}

// Restart after a kill: rules with our priority are the predecessor's.
TEST_F(RoutingTest, StaleRulesWithOurPriorityAreRemovedOthersKept) {
  kernel.add_existing_rule({Family::V4, "old0", "", 10, kDefaultRulePriority});
  kernel.add_existing_rule({Family::V6, "", "old1", 11, kDefaultRulePriority});
  kernel.add_existing_rule({Family::V4, "admin0", "", 99, 100});  // an administrator's rule
  routing.remove_stale_rules();
  EXPECT_EQ(kernel.rules(), (std::vector<MrouteRule>{{Family::V4, "admin0", "", 99, 100}}));
}

// Issue 13: two daemons on one host use the same priority; a rule whose table
// a live socket holds (the other daemon's) is not stale and stays.
TEST_F(RoutingTest, RulesOfATableAnotherDaemonHoldsAreKept) {
  auto other = kernel.open_mroute_socket(Family::V4);
  ASSERT_TRUE(other.has_value());
  ASSERT_TRUE(kernel.set_table(other->get(), Family::V4, 12).has_value());
  ASSERT_TRUE(kernel.mrt_init(other->get(), Family::V4).has_value());
  kernel.add_existing_rule({Family::V4, "lan9", "", 12, kDefaultRulePriority});
  kernel.add_existing_rule({Family::V4, "old0", "", 10, kDefaultRulePriority});
  kernel.add_existing_rule({Family::V6, "lan9", "", 12, kDefaultRulePriority});  // ip6mr table 12: nobody's
  routing.remove_stale_rules();
  EXPECT_EQ(kernel.rules(), (std::vector<MrouteRule>{{Family::V4, "lan9", "", 12, kDefaultRulePriority}}));
  // The probe left the free tables free: this daemon can still take them.
  create(TableId{Family::V4, 10});
  EXPECT_NE(routing.table(TableId{Family::V4, 10}), nullptr);
}

TEST_F(RoutingTest, SecondCreateOfSameTableFails) {
  create(kTable4);
  events();
  create(kTable4);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<RoutingFailure>(ev[0]));
}

TEST_F(RoutingTest, RepliesToVanishedInstanceAreDropped) {
  create(kTable4);
  owner.reset();
  add_vif(kTable4, 4, "up0");  // must not crash
  EXPECT_EQ(routing.table(kTable4)->vifs.size(), 1u);
}

}  // namespace
}  // namespace mcproxy::routing
