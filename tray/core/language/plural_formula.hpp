// The plural rule of a gettext catalogue: its header's "Plural-Forms: nplurals=3; plural=EXPR;",
// EXPR a C expression over the count n that says which of the translation's forms to use (Russian
// has three, Japanese one). nixtrayctl reads .mo catalogues without libintl or wx
// (message_catalogue.hpp), so it evaluates the formula itself. The formula is data from a file:
// parsing it never throws and never recurses without bound, and evaluating it never traps
// (division by zero gives 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace nixtray::tray {

class PluralFormula {
 public:
  // The formula in EXPR (gettext's C subset: n, non-negative integer literals, parentheses, ?:,
  // || && == != < <= > >= + - * / %, unary !); nothing when it does not parse.
  static std::optional<PluralFormula> parse(std::string_view expression);

  // The form index for the count n, with C's unsigned long arithmetic.
  [[nodiscard]] unsigned long evaluate(unsigned long n) const;

 private:
  friend class PluralFormulaParser;

  enum class Op : std::uint8_t {
    number,
    count,
    logical_not,
    multiply,
    divide,
    modulo,
    add,
    subtract,
    less,
    less_equal,
    greater,
    greater_equal,
    equal,
    not_equal,
    logical_and,
    logical_or,
    conditional,
  };
  // Operands are indices into nodes_ and always come before the node that uses them, so the root
  // is the last node.
  struct Node {
    Op op = Op::number;
    unsigned long value = 0;
    std::uint32_t first = 0;
    std::uint32_t second = 0;
    std::uint32_t third = 0;
  };

  [[nodiscard]] unsigned long evaluate(std::uint32_t node, unsigned long n) const;

  std::vector<Node> nodes_;
};

// A catalogue header's Plural-Forms: how many forms the language has and which one a count takes.
struct PluralForms {
  unsigned long count = 0;
  PluralFormula formula;

  // From the header entry's text (its msgstr, all fields); nothing when the header has no
  // Plural-Forms, nplurals is not a positive number, or the formula does not parse.
  static std::optional<PluralForms> from_header(std::string_view header);
};

}  // namespace nixtray::tray
