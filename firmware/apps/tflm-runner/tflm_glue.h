// How TFLM's messages leave the board: as LOG frames of the link, one per line.
#ifndef TFLM_GLUE_H
#define TFLM_GLUE_H

void tflm_glue_route_log_to_link(void);

#endif
