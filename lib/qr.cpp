#include "qr.h"

#include "document_text.h"
#include "error.h"

#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace pom {

namespace {

constexpr int k_quiet = 4;  ///< modules of light border the standard asks for

}  // namespace

QrCode qr_encode(const std::string& text) {
    errno = 0;
    std::unique_ptr<QRcode, void (*)(QRcode*)> code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
    if (!code) {
        if (errno == ERANGE) fail(ErrorKind::BadInput, "the link is too long for a QR code (" + std::to_string(text.size()) + " bytes)");
        fail(ErrorKind::Internal, "the QR code could not be made");
    }
    QrCode qr;
    qr.width = code->width;
    qr.dark.resize(static_cast<size_t>(qr.width) * static_cast<size_t>(qr.width));
    for (size_t i = 0; i < qr.dark.size(); ++i) qr.dark[i] = (code->data[i] & 1) != 0;
    return qr;
}

std::string qr_text(const QrCode& qr) {
    // Black on white, whatever the terminal's own colours; each character is two modules high.
    const char* on = "\x1b[30;47m";
    const char* off = "\x1b[0m";
    std::string out;
    for (int y = -k_quiet; y < qr.width + k_quiet; y += 2) {
        out += on;
        for (int x = -k_quiet; x < qr.width + k_quiet; ++x) {
            bool top = qr.at(x, y), bottom = qr.at(x, y + 1);
            out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
        }
        out += off;
        out += '\n';
    }
    return out;
}

std::string qr_svg(const QrCode& qr, const std::string& caption) {
    int side = qr.width + 2 * k_quiet;
    std::string path;
    for (int y = 0; y < qr.width; ++y)
        for (int x = 0; x < qr.width; ++x)
            if (qr.at(x, y)) path += "M" + std::to_string(x + k_quiet) + " " + std::to_string(y + k_quiet) + "h1v1h-1z";
    std::string out;
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(side) + " " + std::to_string(side + 4) +
           "\" width=\"" + std::to_string(side * 8) + "\" height=\"" + std::to_string((side + 4) * 8) + "\">\n";
    out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
    out += "<path shape-rendering=\"crispEdges\" fill=\"#000\" d=\"" + path + "\"/>\n";
    out += "<text x=\"" + std::to_string(side / 2) + "\" y=\"" + std::to_string(side + 2) +
           "\" font-family=\"sans-serif\" font-size=\"1.6\" text-anchor=\"middle\">" + doc::html_escape(caption) + "</text>\n";
    out += "</svg>\n";
    return out;
}

}  // namespace pom
