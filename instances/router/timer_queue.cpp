// The timer queue of a downstream router: deadlines per RFC timer, popped in
// deadline order with the setting order as tie-breaker (deterministic runs).
// The template lives in the header; the queue without payload is built here once.
#include "instances/router/timer_queue.hpp"

namespace mcproxy::instances {

template class BasicTimerQueue<NoPayload>;

}  // namespace mcproxy::instances
