#ifndef SAML_FUZZ_MAIN_H
#define SAML_FUZZ_MAIN_H
/* Nothing to import: this target only supplies the program's entry point (see fuzzmain.c). */
#endif
