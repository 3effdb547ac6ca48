#pragma once
// What an exception handed over as an exception_ptr says (for a log line).
#include <exception>
#include <string>

namespace daring::server {

inline std::string what_of(const std::exception_ptr& e) {
    if (!e) return {};
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "an unknown error";
    }
}

}  // namespace daring::server
