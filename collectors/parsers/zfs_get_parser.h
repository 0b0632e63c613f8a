#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/parse_error.h"

namespace replwatch::parsers {

/// One property value as printed. `-` and `none` mean "not set / not
/// applicable" (absent); `number` is filled when the text is an exact
/// unsigned integer (`-p` output).
struct PropertyValue {
  std::string text;
  bool absent = false;
  std::optional<std::uint64_t> number;
};

/// name (dataset or pool) -> property -> value
using PropertyTable =
    std::map<std::string, std::map<std::string, PropertyValue>>;

struct PropertyListing {
  PropertyTable properties;
  text::ParseWarnings warnings;
};

PropertyValue MakePropertyValue(std::string_view text);

/// `zfs get -Hp -o name,property,value ...` (a 4th SOURCE column is
/// accepted and ignored). Throws text::ParseError with the line number on a
/// line with fewer than 3 or more than 4 TAB-separated fields, or an empty
/// name.
PropertyListing ParseZfsGet(std::string_view text);

/// `zfs list -Hp -o name,<property>,...`: one line per dataset, the
/// properties as `columns` names them (columns[0] is the name). The same
/// values as `zfs get -p` (both print zfs_prop_get()'s text), with each
/// dataset's name once instead of once per property. Throws
/// text::ParseError with the line number on a line with another number of
/// TAB-separated fields, an empty name or a name listed twice.
PropertyListing ParseZfsListColumns(std::string_view text,
                                    const std::vector<std::string>& columns);

/// Human `zfs get` with its NAME PROPERTY VALUE [SOURCE] header; columns are
/// cut at the header offsets, so values with spaces (dates) stay whole.
PropertyListing ParseZfsGetHuman(std::string_view text);

/// `zfs get -j [--json-int]` (OpenZFS 2.3+).
PropertyListing ParseZfsGetJson(std::string_view json);

}  // namespace replwatch::parsers
