#include "daemon/status_page.h"

#include "daemon/collection_state.h"
#include "testing/catch.h"

namespace replwatch {
namespace {

TEST_CASE("the status page escapes remote-derived text", "[status]") {
  NodeStatus node;
  node.config.cluster = "lab";
  node.config.name = "pve1";
  node.attempted = true;
  node.last_error = "<script>alert('x')</script> & \"more\"";
  node.collectors.emplace_back().name = "node";
  const std::string html = RenderStatusPage({node}, "/metrics");
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; "
                  "&quot;more&quot;") != std::string::npos);
  CHECK(html.find("<a href=\"/metrics\">") != std::string::npos);
  CHECK(html.find("DOWN") != std::string::npos);
}

}  // namespace
}  // namespace replwatch
