#pragma once
// Errors as values: every validator and parser in protocol/ returns result<T> and never throws.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace daring::protocol {

// One problem with an input. `code` is a stable snake_case identifier (API.md), `message` a
// human sentence, `field` the path of the offending field when there is one ("slides[2].title").
struct error {
    std::string code;
    std::string message;
    std::string field;
    // Line-level problems (CSV imports): every bad line with its own error.
    struct line_error {
        int line = 0;
        std::string field;
        std::string message;
    };
    std::vector<line_error> lines;
};

error make_error(std::string code, std::string message, std::string field = {});

// A value or an error. Small on purpose: std::expected is C++23.
template <class T>
class result {
  public:
    result(T value) : v_(std::move(value)) {}
    result(error e) : v_(std::move(e)) {}
    explicit operator bool() const { return v_.index() == 0; }
    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const error& err() const { return std::get<1>(v_); }

  private:
    std::variant<T, error> v_;
};

// JSON error body of API.md: {"error":{"code","message","field"?}} (plus "lines" for imports).
std::string error_body(const error& e);

}  // namespace daring::protocol
