// A map kept as a sorted vector, for the per-group tables that hold one or a
// few entries (the hosts of a group, the sources being queried): 24 bytes
// empty; BoxedFlatMap, for the tables that are usually empty (retransmission
// state), 8 bytes and no allocation while empty.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

namespace mcproxy::instances {

// A vector behind one pointer, null while empty (the storage of BoxedFlatMap).
template <class T>
class BoxedVector {
 public:
  using iterator = T*;
  using const_iterator = const T*;

  BoxedVector() = default;
  BoxedVector(const BoxedVector& o) : v_(o.v_ ? std::make_unique<std::vector<T>>(*o.v_) : nullptr) {}
  BoxedVector& operator=(const BoxedVector& o) {
    if (this != &o) v_ = o.v_ ? std::make_unique<std::vector<T>>(*o.v_) : nullptr;
    return *this;
  }
  BoxedVector(BoxedVector&&) noexcept = default;
  BoxedVector& operator=(BoxedVector&&) noexcept = default;
  ~BoxedVector() = default;

  iterator begin() { return v_ ? v_->data() : nullptr; }
  iterator end() { return v_ ? v_->data() + v_->size() : nullptr; }
  const_iterator begin() const { return v_ ? v_->data() : nullptr; }
  const_iterator end() const { return v_ ? v_->data() + v_->size() : nullptr; }
  bool empty() const { return !v_; }
  std::size_t size() const { return v_ ? v_->size() : 0; }
  void clear() { v_.reset(); }

  iterator insert(const_iterator pos, T value) {
    const auto at = pos - begin();
    if (!v_) v_ = std::make_unique<std::vector<T>>();
    v_->insert(v_->begin() + at, std::move(value));
    return v_->data() + at;
  }
  iterator erase(const_iterator pos) {
    const auto at = pos - begin();
    v_->erase(v_->begin() + at);
    if (v_->empty()) {
      v_.reset();
      return nullptr;
    }
    return v_->data() + at;
  }

  bool operator==(const BoxedVector& o) const {
    return size() == o.size() && std::equal(begin(), end(), o.begin());
  }

 private:
  std::unique_ptr<std::vector<T>> v_;
};

// Iterates in key order, as std::map does; insertion and removal move the
// entries behind, which is cheap for the few a group has.
template <class K, class V, class Storage = std::vector<std::pair<K, V>>>
class FlatMap {
 public:
  using value_type = std::pair<K, V>;
  using iterator = typename Storage::iterator;
  using const_iterator = typename Storage::const_iterator;

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

  Storage items_;
};

// A FlatMap for tables that are usually empty: 8 bytes, no allocation until
// the first entry.
template <class K, class V>
using BoxedFlatMap = FlatMap<K, V, BoxedVector<std::pair<K, V>>>;

}  // namespace mcproxy::instances
