#include "appliance/voice/prompts.hpp"

#include <array>

namespace ivm::voice {

namespace {

struct texts {
  std::string_view lang;
  std::array<std::string_view, 5> t; ///< by prompt; "{}" is the name
};

// Short sentences, the way voicemail systems say them.
constexpr std::array<texts, 4> table{{
    {"en",
     {"You have reached {}. To talk to {}, press 1. To leave a voice "
      "message, press 2. To send a fax, press 3.",
      "Please hold while I put you through.",
      "{} is not available. Please leave a message after the tone.",
      "Please leave your message after the tone.",
      "Please start your fax now."}},
    {"de",
     {"Sie haben {} erreicht. Um mit {} zu sprechen, drücken Sie die 1. Um "
      "eine Sprachnachricht zu hinterlassen, drücken Sie die 2. Um ein Fax "
      "zu senden, drücken Sie die 3.",
      "Bitte warten Sie, Sie werden verbunden.",
      "{} ist nicht erreichbar. Bitte hinterlassen Sie nach dem Ton eine "
      "Nachricht.",
      "Bitte hinterlassen Sie nach dem Ton eine Nachricht.",
      "Bitte starten Sie jetzt Ihr Fax."}},
    {"fr",
     {"Vous êtes bien chez {}. Pour parler à {}, tapez 1. Pour laisser un "
      "message vocal, tapez 2. Pour envoyer une télécopie, tapez 3.",
      "Veuillez patienter, nous vous mettons en relation.",
      "{} n'est pas disponible. Veuillez laisser un message après le bip.",
      "Veuillez laisser un message après le bip.",
      "Vous pouvez envoyer votre télécopie maintenant."}},
    {"es",
     {"Ha llamado a {}. Para hablar con {}, pulse 1. Para dejar un mensaje "
      "de voz, pulse 2. Para enviar un fax, pulse 3.",
      "Espere un momento, le estamos conectando.",
      "{} no está disponible. Deje su mensaje después del tono.",
      "Deje su mensaje después del tono.", "Puede enviar su fax ahora."}},
}};

} // namespace

std::optional<std::string_view> prompt_language(std::string_view language) {
  for (auto& e : table)
    if (e.lang == language)
      return e.lang;
  return std::nullopt;
}

std::string prompt_text(prompt p, std::string_view language,
                        std::string_view name) {
  const texts* e = &table[0];
  for (auto& x : table)
    if (x.lang == language)
      e = &x;
  std::string clean;
  for (unsigned char c : name)
    if (c >= 0x20 && c != 0x7f)
      clean += static_cast<char>(c);
  auto tmpl = e->t[static_cast<std::size_t>(p)];
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl.compare(i, 2, "{}") == 0) {
      out += clean;
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

} // namespace ivm::voice
