#pragma once
// QR codes for the technician's sign-in link (`worker login-link --qr`), by libqrencode.
#include <string>
#include <vector>

namespace pom {

/// A QR code's modules, row by row; true is dark. No quiet zone.
struct QrCode {
    int width = 0;
    std::vector<bool> dark;
    bool at(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < width && dark[static_cast<size_t>(y * width + x)]; }
};

/// Encodes `text` as bytes, error correction level M, the smallest version that holds it.
/// Throws BadInput when it is too long for a QR code.
QrCode qr_encode(const std::string& text);

/// The code for a terminal: two rows of modules per line in half blocks, dark on light (explicit
/// colours, so it scans on a dark terminal too), with the four-module quiet zone.
std::string qr_text(const QrCode& qr);

/// A printable page: the code as an SVG image (one path, crisp edges) with a caption under it.
std::string qr_svg(const QrCode& qr, const std::string& caption);

}  // namespace pom
