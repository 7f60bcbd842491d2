// A map kept as a sorted vector, for the per-group tables that hold one or a
// few entries (the hosts of a group, the sources being queried): 24 bytes empty.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mcproxy::instances {

// Iterates in key order, as std::map does; insertion and removal move the
// entries behind, which is cheap for the few a group has.
template <class K, class V>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  void clear() { items_.clear(); }

  iterator find(const K& key) {
    const auto it = lower_bound(key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  const_iterator find(const K& key) const {
    const auto it = std::lower_bound(items_.begin(), items_.end(), key, less_key);
    return it != items_.end() && it->first == key ? it : items_.end();
  }
  bool contains(const K& key) const { return find(key) != items_.end(); }
  const V& at(const K& key) const {
    const auto it = find(key);
    if (it == items_.end()) throw std::out_of_range("FlatMap::at");
    return it->second;
  }
  V& operator[](const K& key) {
    auto it = lower_bound(key);
    if (it == items_.end() || !(it->first == key)) it = items_.insert(it, value_type{key, V{}});
    return it->second;
  }
  iterator erase(iterator it) { return items_.erase(it); }
  std::size_t erase(const K& key) {
    const auto it = find(key);
    if (it == items_.end()) return 0;
    items_.erase(it);
    return 1;
  }

  bool operator==(const FlatMap&) const = default;

 private:
  static bool less_key(const value_type& v, const K& key) { return v.first < key; }
  iterator lower_bound(const K& key) { return std::lower_bound(items_.begin(), items_.end(), key, less_key); }

  std::vector<value_type> items_;
};

}  // namespace mcproxy::instances
