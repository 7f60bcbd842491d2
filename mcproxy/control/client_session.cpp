// The per-connection protocol state of the control server.
#include "mcproxy/control/client_session.hpp"

#include "mcproxy/control/responses.hpp"

#include <algorithm>

namespace mcproxy::control {

using nlohmann::json;

namespace {

std::string seconds_text(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return std::to_string(ms.count() / 1000) + " s";
  return std::to_string(ms.count()) + " ms";
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; }

// nlohmann's messages start with "[json.exception.parse_error.101] ".
std::string parse_error_text(const char* what) {
  std::string_view text(what);
  if (auto close = text.find("] "); !text.empty() && text.front() == '[' && close != std::string_view::npos)
    text.remove_prefix(close + 2);
  return std::string(text);
}

// json::parse() without exceptions, keeping its error message: nlohmann's DOM
// builder, told to record the first syntax error instead of throwing it. A
// thrown exception per bad line costs far more than the parse itself (and
// malformed lines are what a confused or hostile client sends).
class DomParser : public nlohmann::detail::json_sax_dom_parser<json> {
 public:
  explicit DomParser(json& result) : json_sax_dom_parser(result, false) {}
  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/, const Exception& error) {
    if (error_.empty()) error_ = parse_error_text(error.what());
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  std::string error_;
};

}  // namespace

ClientSession::ClientSession(SessionLimits limits, TimePoint now)
    : limits_(limits),
      framer_(limits.max_request_bytes),
      partial_since_(now),
      last_activity_(now),
      last_write_progress_(now) {}

void ClientSession::on_input(std::string_view bytes, TimePoint now) {
  if (input_done_ || bytes.empty()) return;
  if (!framer_.has_partial()) partial_since_ = now;
  framer_.append(bytes);
  last_activity_ = now;
}

void ClientSession::on_end_of_input(TimePoint now) {
  if (input_done_) return;
  input_done_ = true;
  eof_pending_ = true;
  last_activity_ = now;
}

bool ClientSession::throttled() const {
  return slots_.size() >= limits_.max_pipelined || output_.size() >= limits_.output_high_water;
}

std::vector<ClientSession::Dispatch> ClientSession::take_requests(TimePoint now) {
  std::vector<Dispatch> out;
  bool took_line = false;
  while (!throttled() && !close_after_flush_) {
    if (auto line = framer_.next_line()) {
      took_line = true;
      if (!blank(*line)) handle_line(*line, now, out);
      continue;
    }
    if (framer_.too_long()) {
      ++errors_.too_long;
      fail_and_close("request too long (limit " + std::to_string(limits_.max_request_bytes) + " bytes)", now);
      break;
    }
    if (eof_pending_) {
      eof_pending_ = false;
      if (auto rest = framer_.take_rest(); !blank(rest)) handle_line(rest, now, out);
    }
    break;
  }
  if (took_line) partial_since_ = now;
  return out;
}

void ClientSession::handle_line(const std::string& line, TimePoint now, std::vector<Dispatch>& out) {
  json parsed;
  DomParser dom(parsed);
  if (!json::sax_parse(line, &dom) || !dom.error().empty()) {
    ++errors_.invalid_json;
    answer_now(nullptr, make_error("invalid JSON: " + dom.error()), now);
    return;
  }
  json id = nullptr;
  if (parsed.is_object()) {
    if (auto it = parsed.find("id"); it != parsed.end()) id = *it;
  }
  auto request = parse_request(parsed);
  if (!request) {
    ++errors_.bad_request;
    answer_now(std::move(id), make_error(request.error()), now);
    return;
  }
  const auto seq = next_seq_++;
  slots_.push_back(Slot{seq, now, std::move(id), std::nullopt});
  out.push_back(Dispatch{seq, std::move(*request)});
}

void ClientSession::answer_now(json id, json response, TimePoint now) {
  if (!id.is_null()) response["id"] = std::move(id);
  slots_.push_back(Slot{next_seq_++, now, nullptr, std::move(response)});
  flush_ready(now);
}

void ClientSession::fail_and_close(const std::string& message, TimePoint now) {
  input_done_ = true;
  eof_pending_ = false;
  close_after_flush_ = true;
  framer_.take_rest();
  answer_now(nullptr, make_error(message), now);
}

void ClientSession::on_reply(std::uint64_t seq, json response, TimePoint now) {
  auto slot = std::find_if(slots_.begin(), slots_.end(), [seq](const Slot& s) { return s.seq == seq; });
  if (slot == slots_.end() || slot->response) return;  // timed out already
  json normalised = normalise_response(std::move(response));
  if (!slot->id.is_null() && !normalised.contains("id")) normalised["id"] = slot->id;
  slot->response = std::move(normalised);
  flush_ready(now);
}

void ClientSession::flush_ready(TimePoint now) {
  const bool was_empty = output_.empty();
  while (!slots_.empty() && slots_.front().response) {
    output_ += serialize_response(*slots_.front().response);
    slots_.pop_front();
  }
  if (was_empty && !output_.empty()) last_write_progress_ = now;
}

void ClientSession::on_written(std::size_t bytes, TimePoint now) {
  bytes = std::min(bytes, output_.size());
  if (bytes == 0) return;
  output_.erase(0, bytes);
  last_write_progress_ = now;
  last_activity_ = now;
}

void ClientSession::on_timer(TimePoint now) {
  if (!output_.empty() && now - last_write_progress_ >= limits_.client_timeout) {
    if (!dead_) ++errors_.not_reading;
    dead_ = true;  // it does not read its answers: nothing more can be said to it
    return;
  }
  bool answered = false;
  for (auto& slot : slots_) {
    if (!slot.response && now - slot.dispatched >= limits_.handler_timeout) {
      ++errors_.daemon_timeout;
      slot.response = make_error("timeout: the daemon did not answer within " + seconds_text(limits_.handler_timeout));
      if (!slot.id.is_null()) (*slot.response)["id"] = slot.id;
      answered = true;
    }
  }
  if (answered) flush_ready(now);
  if (close_after_flush_ || input_done_) return;
  if (framer_.has_partial() && !throttled()) {
    if (now - partial_since_ >= limits_.client_timeout) {
      ++errors_.client_timeout;
      fail_and_close("timeout: incomplete request after " + seconds_text(limits_.client_timeout), now);
    }
    return;
  }
  if (slots_.empty() && output_.empty() && !framer_.has_partial() && now - last_activity_ >= limits_.client_timeout) {
    ++errors_.client_timeout;
    fail_and_close("timeout: no request for " + seconds_text(limits_.client_timeout), now);
  }
}

bool ClientSession::wants_input() const { return !input_done_ && !dead_ && !throttled(); }

bool ClientSession::finished() const {
  if (dead_) return true;
  const bool drained = slots_.empty() && output_.empty();
  if (close_after_flush_) return drained;
  return input_done_ && !eof_pending_ && drained;
}

std::optional<TimePoint> ClientSession::deadline() const {
  std::optional<TimePoint> next;
  auto consider = [&next](TimePoint t) {
    if (!next || t < *next) next = t;
  };
  if (!output_.empty()) consider(last_write_progress_ + limits_.client_timeout);
  for (const auto& slot : slots_)
    if (!slot.response) consider(slot.dispatched + limits_.handler_timeout);
  if (!close_after_flush_ && !input_done_) {
    if (framer_.has_partial() && !throttled())
      consider(partial_since_ + limits_.client_timeout);
    else if (slots_.empty() && output_.empty() && !framer_.has_partial())
      consider(last_activity_ + limits_.client_timeout);
  }
  return next;
}

SessionErrors ClientSession::take_errors() {
  SessionErrors out = errors_;
  errors_ = SessionErrors{};
  return out;
}

}  // namespace mcproxy::control
