// See instance_mailbox.hpp.
#include "instances/runtime/instance_mailbox.hpp"

namespace mcproxy::instances {

std::shared_ptr<InstanceMailbox> make_instance_mailbox(std::size_t capacity, std::shared_ptr<InstanceTotals> totals) {
  return std::shared_ptr<InstanceMailbox>(new InstanceMailbox(capacity), [totals](InstanceMailbox* m) {
    if (totals) totals->discarded.fetch_add(m->in_use(), std::memory_order_relaxed);
    delete m;
  });
}

}  // namespace mcproxy::instances
