// The public headers' vocabulary types, as user code meets them. Debian's
// abseil makes absl::string_view a type distinct from std::string_view, so a
// header that returned absl::string_view broke `text.append(name)` in user
// code; and an option struct member without an initialiser broke designated
// initialisers under -Wextra -Werror. Both are compile-time failures: this
// file is built with the project's warnings as errors.
#include <string>
#include <string_view>
#include <type_traits>

#include "asycamore/backend_kind.h"
#include "asycamore/backend_registry.h"
#include "asycamore/dispatcher.h"
#include "asycamore/event_loop.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(PublicApiTypes, NamesAppendToAStdStringInUserCode) {
  std::string text;
  text.append(BackendName(DefaultBackend()));
  absl::StatusOr<std::unique_ptr<EventLoop>> loop = EventLoop::Create();
  ASSERT_TRUE(loop.ok()) << loop.status();
  text.append("/").append((*loop)->backend_name());
  text.append("/").append((*loop)->dispatcher().name());
  const std::string name(BackendName(DefaultBackend()));
  EXPECT_EQ(text, name + "/" + name + "/" + name);
  static_assert(std::is_same_v<decltype(BackendName(BackendKind::kPoll)),
                               std::string_view>);
}

TEST(PublicApiTypes, OptionStructsTakeDesignatedInitialisersWithoutWarnings) {
  // -Wmissing-field-initializers fires for any member left out here that
  // has no default member initialiser.
  const EventLoopOptions options{.batch_capacity = 8};
  EXPECT_TRUE(options.backend.empty());
  const EventLoopOptions named{.backend = std::string(BackendName(DefaultBackend()))};
  EXPECT_EQ(named.batch_capacity, EventBatch::kDefaultCapacity);
  const BackendInfo info{.kind = BackendKind::kPoll};
  EXPECT_EQ(info.probe, nullptr);
  EXPECT_EQ(info.create, nullptr);
  EXPECT_EQ(info.handle_limit, 0u);
}

}  // namespace
}  // namespace asycamore
