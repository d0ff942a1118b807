#include "core/language/plural_formula.hpp"

#include <cstddef>
#include <initializer_list>
#include <limits>
#include <utility>

namespace nixtray::tray {

namespace {

// Real formulas (Arabic's is the longest) have a few dozen nodes and nest a handful of levels;
// the caps keep a hostile header from exhausting the stack or making every lookup slow.
constexpr std::size_t max_nodes = 1000;
constexpr int max_nesting = 100;

// Digits at text[pos...] as an unsigned long; nothing on overflow.
std::optional<unsigned long> read_number(std::string_view text, std::size_t& pos) {
  unsigned long value = 0;
  const std::size_t start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    const auto digit = static_cast<unsigned long>(text[pos] - '0');
    if (value > (std::numeric_limits<unsigned long>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++pos;
  }
  if (pos == start) return std::nullopt;
  return value;
}

}  // namespace

// Recursive descent with C's precedence, lowest first: ?: (right-associative), ||, &&, == !=,
// < <= > >=, + -, * / %, unary !.
class PluralFormulaParser {
 public:
  explicit PluralFormulaParser(std::string_view text) : text_(text) {}

  std::optional<PluralFormula> parse() {
    advance();
    const auto root = conditional();
    if (!root || token_ != Token::end) return std::nullopt;
    PluralFormula formula;
    formula.nodes_ = std::move(nodes_);
    return formula;
  }

 private:
  using Op = PluralFormula::Op;
  using Index = std::optional<std::uint32_t>;
  using Level = Index (PluralFormulaParser::*)();

  enum class Token {
    end,
    invalid,
    count,
    number,
    open,
    close,
    question,
    colon,
    logical_or,
    logical_and,
    equal,
    not_equal,
    less,
    less_equal,
    greater,
    greater_equal,
    plus,
    minus,
    times,
    slash,
    percent,
    bang,
  };

  // Counts the levels the parser is inside; a failed parse is abandoned whole, so the count only
  // matters on the way down.
  class Nesting {
   public:
    explicit Nesting(int& depth) : depth_(depth) { ++depth_; }
    ~Nesting() { --depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;
    [[nodiscard]] bool too_deep() const { return depth_ > max_nesting; }

   private:
    int& depth_;
  };

  bool next_is(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void advance() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r' || text_[pos_] == '\n'))
      ++pos_;
    if (pos_ >= text_.size()) {
      token_ = Token::end;
      return;
    }
    const char c = text_[pos_];
    if (c >= '0' && c <= '9') {
      const auto value = read_number(text_, pos_);
      token_ = value ? Token::number : Token::invalid;
      number_ = value.value_or(0);
      return;
    }
    ++pos_;
    switch (c) {
      case 'n':
        token_ = Token::count;
        return;
      case '(':
        token_ = Token::open;
        return;
      case ')':
        token_ = Token::close;
        return;
      case '?':
        token_ = Token::question;
        return;
      case ':':
        token_ = Token::colon;
        return;
      case '+':
        token_ = Token::plus;
        return;
      case '-':
        token_ = Token::minus;
        return;
      case '*':
        token_ = Token::times;
        return;
      case '/':
        token_ = Token::slash;
        return;
      case '%':
        token_ = Token::percent;
        return;
      case '|':
        token_ = next_is('|') ? Token::logical_or : Token::invalid;
        return;
      case '&':
        token_ = next_is('&') ? Token::logical_and : Token::invalid;
        return;
      case '=':
        token_ = next_is('=') ? Token::equal : Token::invalid;
        return;
      case '!':
        token_ = next_is('=') ? Token::not_equal : Token::bang;
        return;
      case '<':
        token_ = next_is('=') ? Token::less_equal : Token::less;
        return;
      case '>':
        token_ = next_is('=') ? Token::greater_equal : Token::greater;
        return;
      default:
        token_ = Token::invalid;
        return;
    }
  }

  Index node(Op op, unsigned long value = 0, std::uint32_t first = 0, std::uint32_t second = 0,
             std::uint32_t third = 0) {
    if (nodes_.size() >= max_nodes) return std::nullopt;
    nodes_.push_back(PluralFormula::Node{op, value, first, second, third});
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }

  Index conditional() {
    const Nesting nesting(nesting_);
    if (nesting.too_deep()) return std::nullopt;
    const auto condition = logical_or();
    if (!condition || token_ != Token::question) return condition;
    advance();
    const auto yes = conditional();
    if (!yes || token_ != Token::colon) return std::nullopt;
    advance();
    const auto no = conditional();
    if (!no) return std::nullopt;
    return node(Op::conditional, 0, *condition, *yes, *no);
  }

  // One left-associative level: operands from `operand`, joined by any of `operators`.
  Index binary(Level operand, std::initializer_list<std::pair<Token, Op>> operators) {
    auto left = (this->*operand)();
    while (left) {
      const auto* match = operators.begin();
      while (match != operators.end() && match->first != token_) ++match;
      if (match == operators.end()) break;
      advance();
      const auto right = (this->*operand)();
      if (!right) return std::nullopt;
      left = node(match->second, 0, *left, *right);
    }
    return left;
  }

  Index logical_or() { return binary(&PluralFormulaParser::logical_and, {{Token::logical_or, Op::logical_or}}); }
  Index logical_and() { return binary(&PluralFormulaParser::equality, {{Token::logical_and, Op::logical_and}}); }
  Index equality() {
    return binary(&PluralFormulaParser::relational, {{Token::equal, Op::equal}, {Token::not_equal, Op::not_equal}});
  }
  Index relational() {
    return binary(&PluralFormulaParser::additive, {{Token::less, Op::less},
                                                   {Token::less_equal, Op::less_equal},
                                                   {Token::greater, Op::greater},
                                                   {Token::greater_equal, Op::greater_equal}});
  }
  Index additive() {
    return binary(&PluralFormulaParser::multiplicative, {{Token::plus, Op::add}, {Token::minus, Op::subtract}});
  }
  Index multiplicative() {
    return binary(&PluralFormulaParser::unary,
                  {{Token::times, Op::multiply}, {Token::slash, Op::divide}, {Token::percent, Op::modulo}});
  }

  Index unary() {
    if (token_ != Token::bang) return primary();
    const Nesting nesting(nesting_);
    if (nesting.too_deep()) return std::nullopt;
    advance();
    const auto operand = unary();
    if (!operand) return std::nullopt;
    return node(Op::logical_not, 0, *operand);
  }

  Index primary() {
    switch (token_) {
      case Token::count:
        advance();
        return node(Op::count);
      case Token::number: {
        const auto value = number_;
        advance();
        return node(Op::number, value);
      }
      case Token::open: {
        advance();
        const auto inner = conditional();
        if (!inner || token_ != Token::close) return std::nullopt;
        advance();
        return inner;
      }
      default:
        return std::nullopt;
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  Token token_ = Token::end;
  unsigned long number_ = 0;
  int nesting_ = 0;
  std::vector<PluralFormula::Node> nodes_;
};

std::optional<PluralFormula> PluralFormula::parse(std::string_view expression) {
  return PluralFormulaParser(expression).parse();
}

unsigned long PluralFormula::evaluate(unsigned long n) const {
  if (nodes_.empty()) return 0;
  return evaluate(static_cast<std::uint32_t>(nodes_.size() - 1), n);
}

unsigned long PluralFormula::evaluate(std::uint32_t index, unsigned long n) const {
  const Node& at = nodes_[index];
  switch (at.op) {
    case Op::number:
      return at.value;
    case Op::count:
      return n;
    case Op::logical_not:
      return evaluate(at.first, n) == 0 ? 1 : 0;
    case Op::logical_and:
      return evaluate(at.first, n) != 0 && evaluate(at.second, n) != 0 ? 1 : 0;
    case Op::logical_or:
      return evaluate(at.first, n) != 0 || evaluate(at.second, n) != 0 ? 1 : 0;
    case Op::conditional:
      return evaluate(at.first, n) != 0 ? evaluate(at.second, n) : evaluate(at.third, n);
    default:
      break;
  }
  const unsigned long a = evaluate(at.first, n);
  const unsigned long b = evaluate(at.second, n);
  switch (at.op) {
    case Op::multiply:
      return a * b;
    case Op::divide:
      return b == 0 ? 0 : a / b;
    case Op::modulo:
      return b == 0 ? 0 : a % b;
    case Op::add:
      return a + b;
    case Op::subtract:
      return a - b;
    case Op::less:
      return a < b ? 1 : 0;
    case Op::less_equal:
      return a <= b ? 1 : 0;
    case Op::greater:
      return a > b ? 1 : 0;
    case Op::greater_equal:
      return a >= b ? 1 : 0;
    case Op::equal:
      return a == b ? 1 : 0;
    case Op::not_equal:
      return a != b ? 1 : 0;
    default:
      return 0;
  }
}

std::optional<PluralForms> PluralForms::from_header(std::string_view header) {
  constexpr std::string_view field = "Plural-Forms:";
  std::string_view line;
  for (std::size_t start = 0; start < header.size();) {
    const auto end = header.find('\n', start);
    const auto candidate = header.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (candidate.starts_with(field)) {
      line = candidate.substr(field.size());
      break;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  // As gettext reads it: "nplurals=" and "plural=" anywhere in the field ("plural=" cannot match
  // inside "nplurals="), spaces allowed after the '='.
  const auto nplurals_at = line.find("nplurals=");
  const auto plural_at = line.find("plural=");
  if (nplurals_at == std::string_view::npos || plural_at == std::string_view::npos) return std::nullopt;
  std::size_t pos = nplurals_at + std::string_view("nplurals=").size();
  while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
  const auto count = read_number(line, pos);
  if (!count || *count == 0) return std::nullopt;
  auto expression = line.substr(plural_at + std::string_view("plural=").size());
  expression = expression.substr(0, expression.find(';'));
  auto formula = PluralFormula::parse(expression);
  if (!formula) return std::nullopt;
  return PluralForms{*count, std::move(*formula)};
}

}  // namespace nixtray::tray
