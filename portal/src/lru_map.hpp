// A string-keyed map of bounded size that forgets the least recently used key first.
#pragma once
#include <algorithm>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace gatehouse::portal {

// Not thread-safe: the owner holds its own lock. A flood of new keys pushes out only the keys
// nobody touched since, never one that keeps being used.
template <typename V>
class LruMap {
 public:
  explicit LruMap(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

  // The key's value (made fresh when absent), now the most recently used.
  V& touch(const std::string& key) {
    if (auto it = entries_.find(key); it != entries_.end()) {
      recent_.splice(recent_.begin(), recent_, it->second.second);
      return it->second.first;
    }
    if (entries_.size() >= capacity_) {
      entries_.erase(recent_.back());
      recent_.pop_back();
    }
    recent_.push_front(key);
    return entries_.emplace(key, std::make_pair(V{}, recent_.begin())).first->second.first;
  }
  // The key's value without changing its place, or null.
  const V* peek(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second.first;
  }
  std::size_t size() const { return entries_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::string> recent_;  // most recently used first
  std::unordered_map<std::string, std::pair<V, std::list<std::string>::iterator>> entries_;
};

}  // namespace gatehouse::portal
