// Source lists as sets, with the RFC's notation: A+B (union), A*B (intersection)
// and A-B (difference), so the §6.4 tables read like RFC 3376 / RFC 3810 §7.4.
#pragma once

#include "modules/common/address.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <set>
#include <utility>
#include <vector>

namespace mcproxy::instances {

// An ordered set of addresses kept as a sorted vector behind one pointer:
// 8 bytes and no allocation while empty, which most source lists of a group
// are (EXCLUDE {}, a host's TO_EX({}) join); a std::set costs 48 bytes empty
// and a node per source. Iterates in address order, as std::set does; the
// elements are read-only (changing one would break the order).
class SourceSet {
 public:
  using value_type = Address;
  using iterator = const Address*;
  using const_iterator = const Address*;
  using size_type = std::size_t;

  SourceSet() = default;
  SourceSet(std::initializer_list<Address> items) : SourceSet(items.begin(), items.end()) {}
  template <class It>
  SourceSet(It first, It last) {
    std::vector<Address> v(first, last);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    adopt(std::move(v));
  }
  SourceSet(const std::set<Address>& s) : SourceSet(s.begin(), s.end()) {}  // NOLINT(google-explicit-constructor)
  SourceSet(const SourceSet& o) : items_(o.items_ ? std::make_unique<std::vector<Address>>(*o.items_) : nullptr) {}
  SourceSet& operator=(const SourceSet& o) {
    if (this != &o) items_ = o.items_ ? std::make_unique<std::vector<Address>>(*o.items_) : nullptr;
    return *this;
  }
  SourceSet(SourceSet&&) noexcept = default;
  SourceSet& operator=(SourceSet&&) noexcept = default;
  ~SourceSet() = default;

  const_iterator begin() const { return items_ ? items_->data() : nullptr; }
  const_iterator end() const { return items_ ? items_->data() + items_->size() : nullptr; }
  bool empty() const { return !items_; }
  std::size_t size() const { return items_ ? items_->size() : 0; }
  void clear() { items_.reset(); }

  const_iterator find(const Address& a) const {
    const auto it = std::lower_bound(begin(), end(), a);
    return it != end() && *it == a ? it : end();
  }
  bool contains(const Address& a) const { return find(a) != end(); }
  std::size_t count(const Address& a) const { return contains(a) ? 1 : 0; }

  std::pair<iterator, bool> insert(const Address& a) {
    if (!items_) items_ = std::make_unique<std::vector<Address>>();
    auto& v = *items_;
    const auto it = std::lower_bound(v.begin(), v.end(), a);
    if (it != v.end() && *it == a) return {v.data() + (it - v.begin()), false};
    const auto at = v.insert(it, a);
    return {v.data() + (at - v.begin()), true};
  }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }
  std::size_t erase(const Address& a) {
    const auto it = find(a);
    if (it == end()) return 0;
    erase(it);
    return 1;
  }
  iterator erase(const_iterator it) {
    auto& v = *items_;
    const auto at = it - v.data();
    v.erase(v.begin() + at);
    if (v.empty()) {
      items_.reset();
      return nullptr;
    }
    return v.data() + at;
  }

  bool operator==(const SourceSet& o) const {
    return size() == o.size() && std::equal(begin(), end(), o.begin());
  }

  // Appends an address greater than every one in the set (sorted output of
  // the set operations below).
  void push_back_sorted(const Address& a) {
    if (!items_) items_ = std::make_unique<std::vector<Address>>();
    items_->push_back(a);
  }

 private:
  void adopt(std::vector<Address> v) {
    if (!v.empty()) items_ = std::make_unique<std::vector<Address>>(std::move(v));
  }

  std::unique_ptr<std::vector<Address>> items_;  // null while empty
};

// The output iterator of the set operations: appends in order.
class SourceSetAppender {
 public:
  using iterator_category = std::output_iterator_tag;
  using value_type = void;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = void;

  explicit SourceSetAppender(SourceSet& set) : set_(&set) {}
  SourceSetAppender& operator*() { return *this; }
  SourceSetAppender& operator=(const Address& a) {
    set_->push_back_sorted(a);
    return *this;
  }
  SourceSetAppender& operator++() { return *this; }
  SourceSetAppender operator++(int) { return *this; }

 private:
  SourceSet* set_;
};

// A+B: sources in A or B.
inline SourceSet operator+(const SourceSet& a, const SourceSet& b) {
  SourceSet r;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), SourceSetAppender(r));
  return r;
}

// A*B: sources in both A and B.
inline SourceSet operator*(const SourceSet& a, const SourceSet& b) {
  SourceSet r;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), SourceSetAppender(r));
  return r;
}

// A-B: sources in A but not in B.
inline SourceSet operator-(const SourceSet& a, const SourceSet& b) {
  SourceSet r;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), SourceSetAppender(r));
  return r;
}

inline SourceSet to_source_set(const std::vector<Address>& list) { return SourceSet(list.begin(), list.end()); }

}  // namespace mcproxy::instances
