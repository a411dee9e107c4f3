#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace pom {

/// Money is integer minor units (cents) everywhere; floating point never touches it.
using Cents = int64_t;

/// Parses "45", "45.5", "45.50", "-3.20" exactly; more than two decimals, signs where
/// `allow_negative` is false, or any other text throw BadInput naming `what`.
Cents parse_money(std::string_view text, std::string_view what, bool allow_negative = false);
/// "1234.50", "-0.05".
std::string format_money(Cents cents);

/// Quantities (stock, doses, hours) are integer thousandths: "1.5" → 1500.
int64_t parse_milli(std::string_view text, std::string_view what, bool allow_negative = false);
/// "1.5", "2", "0.125".
std::string format_milli(int64_t milli);

/// amount = quantity × unit price, rounded half away from zero to the cent.
Cents line_amount(int64_t quantity_milli, Cents unit_price);

}  // namespace pom
