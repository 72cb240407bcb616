// LangChain.js's own DynamoDBChatMessageHistory (@langchain/community, pinned in the root package.json),
// driven by the .NET tests to check that ChatBedrock's LangChain layout and LangChain.js read each other.
//
//   node history.mjs <request.json>
//   request: { endpoint, table, partitionKey, messageAttributeName, sessionId, command, messages? }
//   command: "add" (messages: [{ type: "human" | "ai" | "system" | "generic", content, role? }]), "read", "clear"
//
// Prints one JSON line: { messages: [{ type, content, role? }] } for "read", {} otherwise, or { error } with
// exit code 1 when LangChain.js throws, so a test can assert that LangChain.js can (or cannot) read a session.
import { readFileSync } from "node:fs";
import { DynamoDBChatMessageHistory } from "@langchain/community/stores/message/dynamodb";
import { AIMessage, ChatMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";

const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const history = new DynamoDBChatMessageHistory({
  tableName: request.table,
  sessionId: request.sessionId,
  partitionKey: request.partitionKey,
  messageAttributeName: request.messageAttributeName,
  config: {
    endpoint: request.endpoint,
    region: "ap-northeast-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  },
});

function toMessage({ type, content, role }) {
  switch (type) {
    case "human": return new HumanMessage(content);
    case "ai": return new AIMessage(content);
    case "system": return new SystemMessage(content);
    case "generic": return new ChatMessage(content, role);
    default: throw new Error(`unknown message type ${type}`);
  }
}

try {
  let result = {};
  switch (request.command) {
    case "add":
      await history.addMessages(request.messages.map(toMessage));
      break;
    case "read":
      result = {
        messages: (await history.getMessages()).map((m) => ({
          type: m.type,
          content: m.content,
          ...(ChatMessage.isInstance(m) ? { role: m.role } : {}),
        })),
      };
      break;
    case "clear":
      await history.clear();
      break;
    default:
      throw new Error(`unknown command ${request.command}`);
  }
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error) }) + "\n");
  process.exitCode = 1;
}
