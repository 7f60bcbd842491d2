// Status requests fanned out to instance threads (mcproxy/daemon_control.cpp):
// the main thread posts a query to every selected instance, then waits for the
// answers under one deadline.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace mcproxy {

// What an instance thread runs for a status request: it calls `done` with the
// answer, possibly later (e.g. after the kernel's counters arrived).
template <class Instance>
using InstanceQuery = std::function<void(Instance&, std::function<void(nlohmann::json)>)>;

// Threading contract: called on one thread (the daemon's main thread), which
// blocks here; `query` runs on each instance's own thread.
//
// Runs `query` on every instance in `selected` (Instance has
// `bool post_control(std::function<void(Instance&)>)` and `name()`); the
// answers come back in the order of `selected`, an {"error": ...} object for
// an instance that refused the query or did not answer by the deadline. Every
// instance is asked before any answer is awaited, and the answers share one
// deadline: a request over N instances takes as long as the slowest of them
// (at most `timeout`), not the sum of N round trips. A late answer goes to a
// promise nobody waits for any more; a query dropped without an answer (its
// `done` destroyed uncalled) is an error too, not an exception.
template <class Instance>
std::vector<nlohmann::json> ask_each(const std::vector<Instance*>& selected,
                                     const std::type_identity_t<InstanceQuery<Instance>>& query,
                                     std::chrono::steady_clock::duration timeout) {
  using nlohmann::json;
  std::vector<std::optional<std::future<json>>> answers;
  answers.reserve(selected.size());
  for (auto* instance : selected) {
    auto promise = std::make_shared<std::promise<json>>();
    auto answer = promise->get_future();
    auto done = [promise](json j) { promise->set_value(std::move(j)); };
    if (instance->post_control([query, done](Instance& i) { query(i, done); }))
      answers.emplace_back(std::move(answer));
    else
      answers.emplace_back(std::nullopt);
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<json> out;
  out.reserve(selected.size());
  for (std::size_t k = 0; k < selected.size(); ++k) {
    const std::string name(selected[k]->name());
    if (!answers[k])
      out.push_back(json{{"error", "instance " + name + " is not accepting requests"}});
    else if (answers[k]->wait_until(deadline) != std::future_status::ready)
      out.push_back(json{{"error", "instance " + name + " did not answer in time"}});
    else
      try {
        out.push_back(answers[k]->get());
      } catch (const std::future_error&) {  // the query was dropped unanswered (broken promise)
        out.push_back(json{{"error", "instance " + name + " did not answer"}});
      }
  }
  return out;
}

}  // namespace mcproxy
