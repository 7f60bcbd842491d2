// One control connection as a pure state machine: bytes in, typed requests
// out to the handler, replies back in any order, response bytes out in
// request order, and the timeouts. No sockets and no clock: the server
// passes `now`, so tests drive it without threads.
#pragma once

#include "mcproxy/control/line_framer.hpp"
#include "mcproxy/control/requests.hpp"
#include "modules/common/clock.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcproxy::control {

struct SessionLimits {
  std::size_t max_request_bytes = 64 * 1024;
  std::size_t max_pipelined = 32;
  std::chrono::milliseconds client_timeout{10'000};
  std::chrono::milliseconds handler_timeout{8'000};
  // More unsent output than this and the session stops taking requests.
  std::size_t output_high_water = 256 * 1024;
};

// Requests the session itself answered with an error, by reason (the
// daemon's own errors, e.g. an unknown instance, are replies like any other).
struct SessionErrors {
  std::uint64_t invalid_json = 0;
  std::uint64_t bad_request = 0;     // valid JSON, not a valid request (unknown command, bad field)
  std::uint64_t too_long = 0;        // a line beyond max_request_bytes (the connection is closed)
  std::uint64_t client_timeout = 0;  // an incomplete request or an idle connection (closed)
  std::uint64_t daemon_timeout = 0;  // the daemon did not answer within handler_timeout
  std::uint64_t not_reading = 0;     // the client read no answer for client_timeout (closed)

  // Every reason with its name (stats `error_NAME`, metrics `reason="NAME"`),
  // so that totals, stats and metrics follow this list.
  using Field = std::uint64_t SessionErrors::*;
  static constexpr std::array<std::pair<std::string_view, Field>, 6> kReasons{{
      {"invalid_json", &SessionErrors::invalid_json},
      {"bad_request", &SessionErrors::bad_request},
      {"too_long", &SessionErrors::too_long},
      {"client_timeout", &SessionErrors::client_timeout},
      {"daemon_timeout", &SessionErrors::daemon_timeout},
      {"not_reading", &SessionErrors::not_reading},
  }};
};

class ClientSession {
 public:
  struct Dispatch {
    std::uint64_t seq = 0;
    Request request;
  };

  ClientSession(SessionLimits limits, TimePoint now);

  // Bytes received from the client.
  void on_input(std::string_view bytes, TimePoint now);
  // The client shut its sending side (EOF): an unterminated last line still
  // counts as a request; once everything is answered the session finishes.
  void on_end_of_input(TimePoint now);
  // The complete, valid requests now ready for the handler, in order (up to
  // the pipelining limit). Bad lines are answered here directly.
  std::vector<Dispatch> take_requests(TimePoint now);
  // The handler's reply to request `seq`; late or unknown replies are dropped.
  void on_reply(std::uint64_t seq, nlohmann::json response, TimePoint now);
  // Applies the timeouts that are due.
  void on_timer(TimePoint now);

  // Bytes to send, and how many of them went out.
  const std::string& output() const { return output_; }
  void on_written(std::size_t bytes, TimePoint now);

  // Whether the server should read from the client now.
  bool wants_input() const;
  // Whether the connection should be closed now.
  bool finished() const;
  // When on_timer() has something to do next.
  std::optional<TimePoint> deadline() const;
  // The errors since the last call, counted back to zero (the server adds
  // them to its totals).
  SessionErrors take_errors();

 private:
  struct Slot {
    std::uint64_t seq = 0;
    TimePoint dispatched;
    nlohmann::json id;  // the request's "id", echoed in the response; null if none
    std::optional<nlohmann::json> response;
  };

  void handle_line(const std::string& line, TimePoint now, std::vector<Dispatch>& out);
  void answer_now(nlohmann::json id, nlohmann::json response, TimePoint now);
  // Answers with `message` after the pending requests, then closes.
  void fail_and_close(const std::string& message, TimePoint now);
  void flush_ready(TimePoint now);
  bool throttled() const;

  SessionLimits limits_;
  SessionErrors errors_;
  LineFramer framer_;
  std::deque<Slot> slots_;
  std::string output_;
  std::uint64_t next_seq_ = 1;
  bool input_done_ = false;    // EOF or error: read no more
  bool eof_pending_ = false;   // EOF seen, last line not yet taken
  bool close_after_flush_ = false;
  bool dead_ = false;          // the client stopped reading: close without flushing
  TimePoint partial_since_;
  TimePoint last_activity_;
  TimePoint last_write_progress_;
};

}  // namespace mcproxy::control
