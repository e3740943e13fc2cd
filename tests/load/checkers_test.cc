// The tests' own JSON reader and XML check refuse what a real parser would:
// a checker that accepted anything would let every report test pass.
#include "gtest/gtest.h"
#include "mini_json.h"
#include "xml_check.h"

namespace asycamore::testing {
namespace {

TEST(MiniJson, ReadsNestedValues) {
  absl::StatusOr<JsonValue> v = ParseJson(
      R"( {"a": [1, -2.5e3, true, false, null], "b": {"c": "x\"\n\u0041"}} )");
  ASSERT_TRUE(v.ok()) << v.status();
  const JsonValue* a = v->Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[1].number, -2500);
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_FALSE(a->items[3].boolean);
  EXPECT_EQ(a->items[4].kind, JsonValue::Kind::kNull);
  const JsonValue* c = v->At({"b", "c"});
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->text, "x\"\nA");
}

TEST(MiniJson, RefusesWhatJsonDoesNotAllow) {
  for (const char* bad :
       {"", "{", "{\"a\": 1,}", "[1, 2,]", "{'a': 1}", "{\"a\": NaN}",
        "{\"a\": nan}", "{\"a\": 01}", "{\"a\": 1.}", "\"a\tb\"", "\"\\q\"",
        "{} {}", "{\"a\" 1}", "[1 2]"}) {
    EXPECT_FALSE(ParseJson(bad).ok()) << bad;
  }
}

TEST(XmlCheck, AcceptsAnSvgDocument) {
  EXPECT_TRUE(CheckWellFormedXml(
                  "<svg a=\"1\" b='x &amp; y'>\n<text>p&lt;50 &#181;s</text>"
                  "<line/></svg>\n")
                  .ok());
}

TEST(XmlCheck, RefusesWhatXmlDoesNotAllow) {
  for (const char* bad :
       {"", "<svg>", "<svg></g>", "<svg><a></svg></a>", "<svg a=1/>",
        "<svg a=\"1\" a=\"2\"/>", "<svg>a & b</svg>", "<svg a=\"<\"/>",
        "<svg>&nbsp;</svg>", "<svg/><svg/>", "text<svg/>",
        "<svg a=\"1\"b=\"2\"/>"}) {
    EXPECT_FALSE(CheckWellFormedXml(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace asycamore::testing
