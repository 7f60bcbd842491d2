// `mcproxy -r`: reverse path filtering off on the configured interfaces while
// the daemon runs (see rp_filter.hpp).
#include "mcproxy/rp_filter.hpp"

#include <fstream>

namespace mcproxy {

ReversePathFilterReset::ReversePathFilterReset(std::string root) : root_(std::move(root)) {}

ReversePathFilterReset::~ReversePathFilterReset() { restore(); }

std::vector<std::string> ReversePathFilterReset::reset(const std::vector<std::string>& interfaces) {
  std::vector<std::string> errors;
  std::vector<std::string> names{"all"};
  names.insert(names.end(), interfaces.begin(), interfaces.end());
  for (const auto& name : names) {
    if (changed_.contains(name) || name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      continue;
    const std::string path = root_ + "/" + name + "/rp_filter";
    std::string before;
    {
      std::ifstream in(path);
      if (!in || !(in >> before)) {
        errors.push_back(path + ": cannot read (no such interface?)");
        continue;
      }
    }
    if (before == "0") continue;
    std::ofstream out(path);
    if (!(out << "0\n") || !out.flush()) {
      errors.push_back(path + ": cannot write");
      continue;
    }
    changed_[name] = before;
  }
  return errors;
}

void ReversePathFilterReset::restore() {
  for (const auto& [name, before] : changed_) {
    std::ofstream out(root_ + "/" + name + "/rp_filter");
    out << before << "\n";
  }
  changed_.clear();
}

}  // namespace mcproxy
