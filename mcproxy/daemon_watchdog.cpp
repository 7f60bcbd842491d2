// The daemon and systemd (see daemon.hpp): probes to every module and
// instance thread, WATCHDOG=1 only while all of them answer, READY=1 once
// every thread has run, and the STATUS= summary.
#include "mcproxy/daemon.hpp"

#include "mcproxy/service_notify.hpp"

#include <log4cplus/loggingmacros.h>

#include <set>

namespace mcproxy {

std::map<std::string, ThreadWatch::Prober> Daemon::probers() {
  std::map<std::string, ThreadWatch::Prober> threads;
  threads["receiver"] = [this](std::function<void()> answer) { return receiver_.post(Probe{std::move(answer)}); };
  threads["sender"] = [this](std::function<void()> answer) { return sender_.post(Probe{std::move(answer)}); };
  threads["routing"] = [this](std::function<void()> answer) { return routing_.post(Probe{std::move(answer)}); };
  threads["timer"] = [this](std::function<void()> answer) { return timer_.probe(std::move(answer)); };
  for (auto& [name, instance] : instances_) {
    threads["instance " + name] = [this, name, target = instance.get()](std::function<void()> answer) {
      return target->post_control([this, name, answer = std::move(answer)](instances::ProxyInstance& i) {
        InstanceSummary s;
        for (const auto& [ifname, link] : i.links())
          if (link.active) ++s.interfaces;
        std::set<Address> groups;
        for (const auto& [ifname, memberships] : i.core().downstream_memberships())
          for (const auto& [group, m] : memberships) groups.insert(group);
        s.groups = groups.size();
        main_mailbox_.post([this, name, s] { summaries_[name] = s; });
        answer();
      });
    };
  }
  return threads;
}

std::string Daemon::status() const {
  std::size_t interfaces = 0, groups = 0;
  for (const auto& [name, instance] : instances_) {
    if (auto it = summaries_.find(name); it != summaries_.end()) {
      interfaces += it->second.interfaces;
      groups += it->second.groups;
    }
  }
  return service::status_line(instances_.size(), interfaces, groups);
}

void Daemon::watchdog_tick(bool ping) {
  const auto t = watch_.tick(probers());
  if (t.ping && ping) service::notify("WATCHDOG=1");
  if (!t.missing.empty()) {
    std::string names;
    for (const auto& m : t.missing) names += (names.empty() ? "" : ", ") + m;
    LOG4CPLUS_WARN(log_, "watchdog: no answer from " << names << " since the last probe; not telling systemd we are alive");
  }
  if (ready_sent_) service::notify("STATUS=" + status());
}

void Daemon::announce_ready() {
  ready_sent_ = true;
  service::notify("READY=1\nSTATUS=" + status());
  LOG4CPLUS_INFO(log_, "every thread runs: " << status());
}

}  // namespace mcproxy
