#pragma once

#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "sanbao/status.h"

namespace sanbao {
inline namespace v1 {

namespace internal {
/// Called when a StatusOr is built from an OK Status: that is a programming
/// error, and the StatusOr holds kInternal with reason STATUS_OR_OK_STATUS.
Status OkStatusInStatusOr();
[[noreturn]] void ThrowStatusError(Status const& status);
}  // namespace internal

/// Either a value of type T or a non-OK Status, never both and never an OK
/// Status without a value.
template <typename T>
class [[nodiscard]] StatusOr {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>,
                "StatusOr<Status> is not allowed");
  static_assert(!std::is_reference_v<T>, "StatusOr<T&> is not allowed");

 public:
  using value_type = T;

  /// Holds kUnknown: a default-constructed StatusOr has no value.
  StatusOr() : data_(Status(ErrorCode::kUnknown, "default constructed")) {}

  // NOLINTNEXTLINE(google-explicit-constructor)
  StatusOr(Status status)
      : data_(status.ok() ? internal::OkStatusInStatusOr()
                          : std::move(status)) {}

  // NOLINTNEXTLINE(google-explicit-constructor)
  StatusOr(T value) : data_(std::in_place_index<1>, std::move(value)) {}

  template <typename U>
  requires(std::is_constructible_v<T, U&&> &&
           !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Status> &&
           !std::is_same_v<std::remove_cvref_t<U>, StatusOr>)
      // NOLINTNEXTLINE(google-explicit-constructor)
      StatusOr(U&& value)
      : data_(std::in_place_index<1>, std::forward<U>(value)) {}

  bool ok() const noexcept { return data_.index() == 1; }
  explicit operator bool() const noexcept { return ok(); }

  /// The error, or an OK status when a value is held.
  Status status() const& { return ok() ? Status() : std::get<0>(data_); }
  Status status() && { return ok() ? Status() : std::get<0>(std::move(data_)); }

  /// The value; throws StatusError when there is none.
  T& value() & {
    Check();
    return std::get<1>(data_);
  }
  T const& value() const& {
    Check();
    return std::get<1>(data_);
  }
  /// On an rvalue the value is moved out and returned by value, so that
  /// `for (auto& x : *Make())` and `auto&& v = Make().value()` never dangle.
  T value() && {
    Check();
    return std::get<1>(std::move(data_));
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? std::get<1>(data_)
                : static_cast<T>(std::forward<U>(fallback));
  }
  template <typename U>
  T value_or(U&& fallback) && {
    return ok() ? std::get<1>(std::move(data_))
                : static_cast<T>(std::forward<U>(fallback));
  }

  // Unchecked access: only after ok() returned true.
  T& operator*() & { return *std::get_if<1>(&data_); }
  T const& operator*() const& { return *std::get_if<1>(&data_); }
  T operator*() && { return std::move(*std::get_if<1>(&data_)); }
  T* operator->() { return std::get_if<1>(&data_); }
  T const* operator->() const { return std::get_if<1>(&data_); }

 private:
  void Check() const {
    if (!ok()) internal::ThrowStatusError(std::get<0>(data_));
  }

  std::variant<Status, T> data_;
};

}  // namespace v1
}  // namespace sanbao
