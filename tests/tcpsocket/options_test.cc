// Every option struct of the tcpsocket layer takes designated initialisers
// naming only some of its members, without -Wmissing-field-initializers
// (-Wextra) warnings: this file is compiled with -Wall -Wextra -Werror, so
// a member without a default initialiser (a callback left without
// `= nullptr`) fails the build here.
#include "asycamore/tcpsocket/tcpsocket.h"
#include "gtest/gtest.h"

namespace asycamore {
namespace {

TEST(OptionStructsTest, DesignatedInitialisersNamingSomeMembersCompileWithoutWarnings) {
  const ConnectionOptions connection{.max_sends_per_event = 4,
                                     .reset_on_abort = true};
  const DataReaderOptions reader{.close_on_end = false};
  const WriteOptions write{.max_items_per_event = 7};
  const AcceptOptions accept{.max_accepts_per_event = 3};
  const ConnectOptions connect{.timeout = absl::Seconds(1)};
  // The members not named keep their defaults; callbacks are empty.
  EXPECT_EQ(connection.high_watermark, ConnectionOptions().high_watermark);
  EXPECT_FALSE(connection.on_write_blocked);
  EXPECT_FALSE(connection.on_drained);
  EXPECT_EQ(reader.buffer_size, SocketReader::kDefaultBufferSize);
  EXPECT_FALSE(reader.on_end);
  EXPECT_FALSE(reader.on_error);
  EXPECT_FALSE(write.on_finish);
  EXPECT_EQ(write.max_items_per_event, 7u);
  EXPECT_EQ(accept.exhaustion_backoff, AcceptOptions().exhaustion_backoff);
  EXPECT_EQ(connect.timeout, absl::Seconds(1));
}

TEST(OptionStructsTest, DesignatedInitialisersNamingOnlyCallbacksCompileWithoutWarnings) {
  int calls = 0;
  ConnectionOptions connection{
      .on_write_blocked = [&](TcpConnection&) { ++calls; },
      .on_drained = nullptr};
  DataReaderOptions reader{.on_end = [&] { ++calls; },
                           .on_error = nullptr};
  WriteOptions write{.on_finish = [&](WriteProgress) { ++calls; }};
  EXPECT_TRUE(connection.on_write_blocked);
  EXPECT_FALSE(connection.on_drained);
  reader.on_end();
  write.on_finish(WriteProgress::kDone);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace asycamore
