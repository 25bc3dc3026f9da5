/* The model: the .tflite file's bytes as they are, brought in by the assembler (no C array of millions of
   bytes to compile), 16-byte aligned in flash as FlatBuffers want; TFLM reads it in place. The harness copies
   the model to model.tflite in the build's payload folder, so a new model rebuilds this object and the link only. */
    .section .rodata.harness_model, "a"
    .balign 16
    .global harness_model
    .type harness_model, %object
harness_model:
    .incbin "model.tflite"
harness_model_end:
    .size harness_model, harness_model_end - harness_model

    .section .rodata.harness_model_size, "a"
    .balign 4
    .global harness_model_size
    .type harness_model_size, %object
harness_model_size:
    .word harness_model_end - harness_model
    .size harness_model_size, 4
