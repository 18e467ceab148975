/*
 * smscsim's view of the wire: the few PDUs the SMSC side reads (bind,
 * submit_sm) and writes (deliver_sm), bounded decoding that never trusts
 * the peer, and big-endian helpers for patching pre-encoded PDUs.
 */
#ifndef SMSCSIM_PDU_H
#define SMSCSIM_PDU_H

#include <stddef.h>
#include <stdint.h>

#define SIM_HDR_LEN			16

#define SIM_CMD_GENERIC_NACK		0x80000000U
#define SIM_CMD_BIND_RECEIVER		0x00000001U
#define SIM_CMD_BIND_TRANSMITTER	0x00000002U
#define SIM_CMD_SUBMIT_SM		0x00000004U
#define SIM_CMD_SUBMIT_SM_RESP		0x80000004U
#define SIM_CMD_DELIVER_SM		0x00000005U
#define SIM_CMD_DELIVER_SM_RESP		0x80000005U
#define SIM_CMD_UNBIND			0x00000006U
#define SIM_CMD_UNBIND_RESP		0x80000006U
#define SIM_CMD_BIND_TRANSCEIVER	0x00000009U
#define SIM_CMD_ENQUIRE_LINK		0x00000015U
#define SIM_CMD_ENQUIRE_LINK_RESP	0x80000015U

#define SIM_ESME_RINVMSGLEN		0x00000001U
#define SIM_ESME_RINVCMDLEN		0x00000002U
#define SIM_ESME_RINVCMDID		0x00000003U
#define SIM_ESME_RINVBNDSTS		0x00000004U
#define SIM_ESME_RALYBND		0x00000005U
#define SIM_ESME_RSYSERR		0x00000008U
#define SIM_ESME_RINVSRCADR		0x0000000AU
#define SIM_ESME_RINVDSTADR		0x0000000BU
#define SIM_ESME_RBINDFAIL		0x0000000DU
#define SIM_ESME_RINVPASWD		0x0000000EU
#define SIM_ESME_RINVSYSID		0x0000000FU
#define SIM_ESME_RINVESMCLASS		0x00000043U
#define SIM_ESME_RTHROTTLED		0x00000058U
#define SIM_ESME_RINVOPTPARSTREAM	0x000000C0U
#define SIM_ESME_RINVOPTPARAMVAL	0x000000C4U

#define SIM_TLV_RECEIPTED_MESSAGE_ID	0x001E
#define SIM_TLV_SAR_MSG_REF_NUM		0x020C
#define SIM_TLV_SAR_TOTAL_SEGMENTS	0x020E
#define SIM_TLV_SAR_SEGMENT_SEQNUM	0x020F
#define SIM_TLV_MESSAGE_PAYLOAD		0x0424
#define SIM_TLV_MESSAGE_STATE		0x0427
#define SIM_TLV_USSD_SERVICE_OP		0x0501
#define SIM_TLV_ITS_SESSION_INFO	0x1383

/* A submit_sm (or deliver_sm) body; pointers borrow the PDU buffer. */
struct sim_sm {
	char		 service_type[6];
	uint8_t		 source_addr_ton, source_addr_npi;
	char		 source_addr[21];
	uint8_t		 dest_addr_ton, dest_addr_npi;
	char		 destination_addr[21];
	uint8_t		 esm_class, protocol_id, priority_flag;
	uint8_t		 registered_delivery, data_coding;
	const uint8_t	*short_message;		/* borrowed */
	uint8_t		 sm_length;
	const uint8_t	*tlv;			/* borrowed: the TLV area */
	size_t		 tlvlen;
};

static inline uint32_t
sim_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
sim_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline void
sim_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* Name of a command_id, for logs. */
const char	*sim_strcmd(uint32_t);
/* bind_*: system_id and password; 0 or an ESME_R* status. */
uint32_t	 sim_bind_decode(const uint8_t *, uint32_t, char *, size_t,
		    char *, size_t);
/* submit_sm: every field bounded, TLVs checked; 0 or an ESME_R* status. */
uint32_t	 sim_sm_decode(const uint8_t *, uint32_t, struct sim_sm *);
/* Value of a TLV in a decoded sm, or NULL. */
const uint8_t	*sim_tlv_find(const struct sim_sm *, uint16_t, size_t *);
/*
 * Encode a deliver_sm (sequence_number 0) with extra TLV octets; its
 * length, or 0 if it does not fit.  *smoff gets the offset of
 * short_message in the PDU.
 */
size_t		 sim_deliver_encode(uint8_t *, size_t, const struct sim_sm *,
		    const uint8_t *, size_t, size_t *);

#endif /* SMSCSIM_PDU_H */
