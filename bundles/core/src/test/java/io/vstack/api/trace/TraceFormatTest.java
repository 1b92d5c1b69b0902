package io.vstack.api.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TraceFormatTest {

    @Test
    void namesParseInAnyCase() {
        assertEquals(TraceFormat.S32, TraceFormat.parse("s32"));
        assertEquals(TraceFormat.U32, TraceFormat.parse("U32"));
        assertEquals(TraceFormat.AUTO, TraceFormat.parse(" auto "));
        assertEquals(TraceFormat.TEXT, TraceFormat.parse("text"));
        assertEquals("u32", TraceFormat.U32.label());
    }

    @Test
    void theWorkloadCommandsFirstNamesStillParse() {
        assertEquals(TraceFormat.U32, TraceFormat.parse("xz-u32"));
        assertEquals(TraceFormat.S32, TraceFormat.parse("xz-i32"));
        assertEquals(TraceFormat.TEXT, TraceFormat.parse("gzip-text"));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertEquals("Unknown trace format 'x'; known: auto, u32, s32, text",
                assertThrows(IllegalArgumentException.class, () -> TraceFormat.parse("x")).getMessage());
    }
}
