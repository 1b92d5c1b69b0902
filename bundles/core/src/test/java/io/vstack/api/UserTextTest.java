package io.vstack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UserTextTest {

    @Test
    void quotesShortTextAsIs() {
        assertEquals("'disk1'", UserText.quote("disk1"));
        assertEquals("null", UserText.quote(null));
    }

    @Test
    void cutsLongTextAndSaysHowLongItWas() {
        String shown = UserText.quote("a".repeat(10_000));
        assertEquals("'" + "a".repeat(64) + "...' (10000 characters)", shown);
    }

    @Test
    void showsControlCharactersEscaped() {
        assertEquals("'a\\u001b[31mb\\u000ac\\u0000'", UserText.quote("a\u001b[31mb\nc\u0000"));
        assertEquals("'x\\u202ey'", UserText.quote("x\u202ey"), "a bidi override is shown, not obeyed");
    }
}
